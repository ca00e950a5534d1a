import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The README once listed fax, voice calls, WhatsApp and reminders as if Herald
// had them (issue 14 item 7). Each is named only in a sentence that says it is planned.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const sentences = readme.replace(/\s+/g, ' ').split(/(?<=[.!?])\s/);

describe('the README', () => {
  it.each(['fax', 'voice', 'WhatsApp', 'reminder'])('names %s only as planned', (word) => {
    const naming = sentences.filter((s) => new RegExp(`\\b${word}`, 'i').test(s));
    for (const s of naming) expect(s, s).toMatch(/\bplanned\b/);
  });

  it('says what Herald does today: SMS, and email for its own notices', () => {
    const intro = readme.split('## ')[0]!.replace(/\s+/g, ' ');
    expect(intro).toMatch(/Today it sends and receives \*\*SMS\*\*/);
    expect(intro).toMatch(/\*\*email\*\* only for its own notices/);
  });
});
