import { describe, expect, it } from 'vitest';
import de from './de.json';
import en from './en.json';
import fr from './fr.json';
import nl from './nl.json';

type Tree = { [key: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): string[] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : flatten(v, `${prefix}${k}.`)));
const lookup = (tree: Tree, key: string): string | Tree | undefined => key.split('.').reduce<string | Tree | undefined>((node, part) => (typeof node === 'object' ? node[part] : undefined), tree);

// Every source file of the app, as text (Vite reads them for the test).
const SOURCES = import.meta.glob(['../**/*.ts', '../**/*.tsx', '!../**/*.test.*'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

describe('translations', () => {
  const keys = flatten(en as Tree).sort();
  for (const [name, tree] of Object.entries({ nl, de, fr })) {
    it(`${name} has exactly the English keys, none left in English`, () => {
      expect(flatten(tree as Tree).sort()).toEqual(keys);
      const same = keys.filter((k) => lookup(tree as Tree, k) === lookup(en as Tree, k) && /[a-z]{4,}/.test(String(lookup(en as Tree, k))) && !/^(nav\.subaccount|errors\.withField|import\.rowError)$/.test(k));
      // A few words are the same in several languages (Status, Tags, Webhooks, SMS…): allow some, not whole sections.
      expect(same.length, same.join(', ')).toBeLessThan(25);
    });
  }

  it('has every key the code asks for with a fixed name', () => {
    expect(Object.keys(SOURCES).length).toBeGreaterThan(20);
    const used = new Set<string>();
    for (const text of Object.values(SOURCES)) {
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z_.]+)'/g)) used.add(m[1]!);
    }
    const missing = [...used].filter((k) => lookup(en as Tree, k) === undefined && lookup(en as Tree, `${k}_other`) === undefined && lookup(en as Tree, k.replace(/\.[^.]+$/, '') + '.' + k.split('.').pop() + '_other') === undefined);
    expect(missing).toEqual([]);
  });
});
