// How Herald serves the web app (src/http/pages.ts), without a browser: the
// app's paths answer with index.html and strict headers, hashed files are
// cached for good, and without a build `/` says how to make one.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_PATHS, registerPages } from '../../src/http/pages.js';

describe('web app pages', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-web-'));
    await mkdir(join(dir, 'built', 'assets'), { recursive: true });
    await writeFile(join(dir, 'built', 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script>');
    await writeFile(join(dir, 'built', 'assets', 'index-abc123.js'), 'console.log(1)');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('answers every app path with index.html, never cached, under a strict CSP', async () => {
    const app = Fastify();
    registerPages(app, join(dir, 'built'));
    for (const path of [...APP_PATHS, '/setup#token=abc']) {
      const res = await app.inject({ method: 'GET', url: path });
      expect(res.statusCode, path).toBe(200);
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
    }
    await app.close();
  });

  it('serves hashed files for a year and nothing else under /assets', async () => {
    const app = Fastify();
    registerPages(app, join(dir, 'built'));
    const js = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body).toBe('console.log(1)');
    for (const url of ['/assets/missing.js', '/assets/../index.html', '/assets/%2e%2e/index.html']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
    expect((await app.inject({ method: 'GET', url: '/not-an-app-page' })).statusCode).toBe(404);
    await app.close();
  });

  it('says to run the build when there is none, so the API never needs one', async () => {
    const app = Fastify();
    registerPages(app, join(dir, 'nothing-here'));
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build');
    expect((await app.inject({ method: 'GET', url: '/assets/index-abc123.js' })).statusCode).toBe(404);
    await app.close();
  });
});
