import { describe, expect, it } from 'vitest';
import { PHONE_TYPES } from '../components/contact-form';
import { SERVER_ERROR_CODES } from '../errors';
import { CONTACT_PROBLEMS, FORM_REASONS, KNOWN_FAILURES, NUMBER_PROBLEMS, PASSWORD_PROBLEMS, REJECTIONS, SENDER_PROBLEMS, STATUSES } from '../reasons';
import de from './de.json';
import en from './en.json';
import fr from './fr.json';
import nl from './nl.json';

type Tree = { [key: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): string[] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : flatten(v, `${prefix}${k}.`)));
const lookup = (tree: Tree, key: string): string | Tree | undefined => key.split('.').reduce<string | Tree | undefined>((node, part) => (typeof node === 'object' ? node[part] : undefined), tree);
const LOCALES = { en, nl, de, fr } as Record<string, Tree>;

// Every source file of the app, as text (Vite reads them for the test).
const SOURCES = import.meta.glob(['../**/*.ts', '../**/*.tsx', '!../**/*.test.*'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
// The server's own lists of codes, so a code added there without a translation fails here.
const SERVER = import.meta.glob(['../../../src/platform/errors.ts', '../../../src/modules/contacts/types.ts'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const serverSource = (end: string) => Object.entries(SERVER).find(([path]) => path.endsWith(end))?.[1] ?? '';

/**
 * The keys whose words are the same as in English, by language: names and
 * loanwords (Status, Webhooks, Organisation…) and strings of placeholders only.
 * Anything else left in English is a missed translation.
 */
const SAME_AS_ENGLISH: Record<string, string[]> = {
  nl: ['nav.label', 'nav.account', 'nav.subaccount', 'sms.encodingUnicode', 'sent.filters', 'sent.status', 'import.rowError', 'settings.webhooks', 'settings.subaccounts', 'settings.groups.account', 'webhooks.status', 'users.status', 'errors.withField'],
  de: ['nav.subaccount', 'setup.organisation', 'sms.encodingUnicode', 'sent.status', 'contacts.organisation', 'import.rowError', 'settings.webhooks', 'settings.groups.organisation', 'senders.kind.alphanumeric', 'webhooks.status', 'users.status', 'users.roles.admin', 'errors.withField'],
  fr: ['common.actions', 'nav.subaccount', 'tools.contacts.name', 'setup.organisation', 'sms.message', 'sms.encodingUnicode', 'sent.detailTitle', 'contacts.title', 'contacts.organisation', 'lists.description', 'settings.quotas', 'settings.webhooks', 'settings.groups.organisation', 'webhooks.description'],
};

/** Keys the code builds from a value (`errors.${code}`): each value it can take, listed where the code keeps it. */
const BUILT_KEYS = [
  ...SERVER_ERROR_CODES.map((c) => `errors.${c}`),
  ...[...NUMBER_PROBLEMS].map((c) => `numberProblems.${c}`),
  ...[...REJECTIONS].map((c) => `rejections.${c}`),
  ...CONTACT_PROBLEMS.map((c) => `contactProblems.${c}`),
  ...KNOWN_FAILURES.map((c) => `failures.${c.replace('-', '_')}`),
  ...STATUSES.map((s) => `status.${s}`),
  ...PHONE_TYPES.map((p) => `contacts.type.${p}`),
  ...['pool', 'dedicated', 'mobile', 'alphanumeric', 'installation'].map((k) => `senders.kind.${k}`),
  ...['uploaded', 'queued', 'running', 'done', 'failed', 'cancelled'].map((s) => `import.status.${s}`),
  ...['too_many_parts', 'empty', 'nul_character', 'lone_surrogate'].map((c) => `textProblems.${c}`),
  ...PASSWORD_PROBLEMS.map((c) => `passwordProblems.${c}`),
  ...[...SENDER_PROBLEMS].map((c) => `senderProblems.${c}`),
  ...FORM_REASONS.flatMap((c) => (c === 'code_wrong' ? ['reasons.code_wrong_one', 'reasons.code_wrong_other'] : [`reasons.${c}`])),
];

describe('translations', () => {
  const keys = flatten(en as Tree).sort();
  for (const [name, tree] of Object.entries({ nl, de, fr })) {
    it(`${name} has exactly the English keys, none left in English but the listed ones`, () => {
      expect(flatten(tree as Tree).sort()).toEqual(keys);
      const same = keys.filter((k) => lookup(tree as Tree, k) === lookup(en as Tree, k) && /[a-z]{4,}/.test(String(lookup(en as Tree, k))));
      expect(same.filter((k) => !SAME_AS_ENGLISH[name]!.includes(k)), 'left in English').toEqual([]);
    });
  }

  it('has every key the code asks for with a fixed name', () => {
    expect(Object.keys(SOURCES).length).toBeGreaterThan(20);
    const used = new Set<string>();
    for (const text of Object.values(SOURCES)) {
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z_.]+)'/g)) used.add(m[1]!);
    }
    const missing = [...used].filter((k) => lookup(en as Tree, k) === undefined && lookup(en as Tree, `${k}_other`) === undefined);
    expect(missing).toEqual([]);
  });

  it('has every key the code builds from a code or status, in every language', () => {
    for (const [name, tree] of Object.entries(LOCALES)) {
      expect(BUILT_KEYS.filter((k) => typeof lookup(tree, k) !== 'string'), name).toEqual([]);
    }
  });

  it('knows every error code and contact problem the server has', () => {
    // A moved file or a changed declaration must fail here, not leave nothing to compare.
    expect(Object.keys(SERVER)).toHaveLength(2);
    const union = /export type ErrorCode =([^;]+);/.exec(serverSource('platform/errors.ts'))?.[1] ?? '';
    const codes = [...union.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(10);
    expect(codes.filter((c) => !(SERVER_ERROR_CODES as readonly string[]).includes(c))).toEqual([]);
    const problems = /CONTACT_PROBLEM_CODES = \[([^\]]+)\]/.exec(serverSource('contacts/types.ts'))?.[1] ?? '';
    const serverProblems = [...problems.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!);
    expect(serverProblems.length, 'contact problem codes found in the server source').toBeGreaterThan(3);
    expect(serverProblems.sort()).toEqual([...CONTACT_PROBLEMS].sort());
  });

  it('uses each count only to choose the plural: the number itself is formatted ({{n}})', () => {
    for (const [name, tree] of Object.entries(LOCALES)) {
      const raw = flatten(tree).filter((k) => /\{\{count\}\}/.test(String(lookup(tree, k))));
      expect(raw, name).toEqual([]);
    }
  });
});
