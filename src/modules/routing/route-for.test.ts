import { describe, expect, it } from 'vitest';
import { routeFor } from './connectors.js';

describe('routeFor', () => {
  const routes = [
    { prefix: '+', connector_id: 'global', priority: 0 },
    { prefix: '+32', connector_id: 'be-a', priority: 5 },
    { prefix: '+32', connector_id: 'be-b', priority: 10 },
    { prefix: '+3247', connector_id: 'proximus', priority: 0 },
  ];

  it('prefers the longest prefix, then the higher priority, the rest as failover', () => {
    expect(routeFor(routes, '+32475123456')).toEqual(['proximus', 'be-b', 'be-a', 'global']);
    expect(routeFor(routes, '+32485123456')).toEqual(['be-b', 'be-a', 'global']);
    expect(routeFor(routes, '+31612345678')).toEqual(['global']);
  });

  it('lists a connector once and nothing when no route matches', () => {
    expect(routeFor([...routes, { prefix: '+324', connector_id: 'global', priority: 0 }], '+32475123456')).toEqual(['proximus', 'global', 'be-b', 'be-a']);
    expect(routeFor([{ prefix: '+32', connector_id: 'be', priority: 0 }], '+31612345678')).toEqual([]);
  });
});
