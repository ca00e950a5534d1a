import ICAL from 'ical.js';
import type { Contact, ContactInput, PhoneType } from '../types.js';

type Component = InstanceType<typeof ICAL.Component>;
type Property = InstanceType<typeof ICAL.Property>;

export type VcardRecord = { line: number; contact: ContactInput } | { line: number; error: string };

interface Block {
  line: number;
  lines: string[];
  chars: number;
}

/**
 * Streams the contacts of a .vcf file, each with the line its card begins on. A card that
 * cannot be read becomes an error record and reading goes on with the next one.
 */
export async function* readVcards(
  source: AsyncIterable<Buffer | Uint8Array | string>,
  options?: { maxCardChars?: number },
): AsyncGenerator<VcardRecord> {
  const maxCardChars = options?.maxCardChars ?? 1_000_000;
  const tooBig = `is longer than ${maxCardChars} characters`;
  let block: Block | null = null;
  // The line where an oversized card began, while its remaining lines are skipped.
  let skipping: number | null = null;
  for await (const { line, text } of readLines(source, maxCardChars)) {
    if (/^BEGIN:VCARD[ \t]*$/i.test(text)) {
      if (block !== null) yield { line: block.line, error: 'has no END:VCARD' };
      if (skipping !== null) yield { line: skipping, error: tooBig };
      block = { line, lines: [text], chars: text.length };
      skipping = null;
    } else if (/^END:VCARD[ \t]*$/i.test(text)) {
      if (block !== null) yield cardToRecord(block.line, [...block.lines, text]);
      if (skipping !== null) yield { line: skipping, error: tooBig };
      block = null;
      skipping = null;
    } else if (block !== null) {
      block.chars += text.length + 2;
      block.lines.push(text);
      if (block.chars > maxCardChars) {
        skipping = block.line;
        block = null;
      }
    }
  }
  if (block !== null) yield { line: block.line, error: 'has no END:VCARD' };
  if (skipping !== null) yield { line: skipping, error: tooBig };
}

/** Lines without their CR/LF; a line longer than maxChars is cut to maxChars + 1 characters. */
async function* readLines(
  source: AsyncIterable<Buffer | Uint8Array | string>,
  maxChars: number,
): AsyncGenerator<{ line: number; text: string }> {
  const decoder = new TextDecoder('utf-8');
  let partial = '';
  let line = 0;
  const flush = (text: string) => {
    line++;
    const full = (partial + text).slice(0, maxChars + 1);
    partial = '';
    return { line, text: full.endsWith('\r') ? full.slice(0, -1) : full };
  };
  for await (const chunk of source) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (line === 0 && partial === '' && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      yield flush(text.slice(start, end));
      start = end + 1;
    }
    // Bounded, so that a file without line breaks cannot fill the memory.
    partial = (partial + text.slice(start)).slice(0, maxChars + 1);
  }
  const rest = decoder.decode();
  if (partial !== '' || rest !== '') yield flush(rest);
}

function cardToRecord(line: number, lines: string[]): VcardRecord {
  // ical.js reads `TEL;CELL:` (2.1's bare types) as a broken parameter and does not decode
  // quoted-printable, so a 2.1 card would fail or come out garbled.
  if (lines.some((l) => /^VERSION:\s*2\.1\s*$/i.test(l))) {
    return { line, error: 'vCard 2.1 is not supported; export as 3.0 or 4.0' };
  }
  // PostgreSQL refuses NUL in text; U+FFFD is what the decoder made of bytes that are not UTF-8.
  if (lines.some((l) => l.includes('\0'))) return { line, error: 'holds a NUL character, which is not text' };
  if (lines.some((l) => l.includes('\uFFFD'))) return { line, error: 'is not valid UTF-8 text' };
  let card: Component;
  try {
    card = new ICAL.Component(ICAL.parse(lines.join('\r\n')));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { line, error: `could not be read (${message.slice(0, 200)})` };
  }
  const contact = cardToContact(card);
  if (contact === null) return { line, error: 'has no name (FN, N or ORG)' };
  return { line, contact };
}

function cardToContact(card: Component): ContactInput | null {
  const n = card.getFirstPropertyValue('n');
  const nParts = Array.isArray(n) ? n.map(joinText) : [];
  const organisation = firstComponent(card.getFirstPropertyValue('org'));
  const name =
    text(card.getFirstPropertyValue('fn')) ||
    [nParts[1], nParts[0]].filter((p) => p !== undefined && p !== '').join(' ') ||
    organisation;
  if (name === '') return null;

  const phones: { type: PhoneType; number: string }[] = [];
  for (const tel of card.getAllProperties('tel')) {
    const number = text(tel.getFirstValue()).replace(/^tel:/i, '').trim();
    if (number !== '') phones.push({ type: phoneType(tel), number });
  }
  const emails = unique(card.getAllProperties('email').map((p) => text(p.getFirstValue()).toLowerCase()));
  // vCard 3 declares NOTE multi-valued, so ical.js splits it on each unescaped comma.
  const notes = card
    .getAllProperties('note')
    .map((p) => p.getValues().map(text).join(','))
    .filter((s) => s !== '')
    .join('\n');
  const tags = unique(card.getAllProperties('categories').flatMap((p) => p.getValues().map(text)));
  return { name, organisation: organisation || null, phones, emails, notes: notes || null, tags };
}

function phoneType(tel: Property): PhoneType {
  const param: unknown = tel.getParameter('type');
  const types = (Array.isArray(param) ? param : [param]).map((t) => String(t ?? '').toLowerCase());
  if (types.includes('fax')) return 'fax';
  if (types.includes('cell') || types.includes('mobile') || types.includes('iphone')) return 'mobile';
  if (types.includes('work')) return 'work';
  if (types.includes('home')) return 'home';
  return 'other';
}

/**
 * ical.js only unescapes `\;` inside structured values (N, ORG), yet writers escape it in
 * every text. (A literal backslash before a semicolon, written `\\;`, is lost: vanishingly rare.)
 */
function text(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\\;/g, ';').trim() : '';
}

function joinText(value: unknown): string {
  return Array.isArray(value) ? value.map(text).filter(Boolean).join(' ') : text(value);
}

function firstComponent(value: unknown): string {
  return Array.isArray(value) ? joinText(value[0]) : text(value);
}

function unique(items: string[]): string[] {
  return [...new Set(items.filter((i) => i !== ''))];
}

const TEL_TYPES: Record<PhoneType, string> = {
  mobile: 'cell',
  fax: 'fax',
  work: 'work',
  home: 'home',
  other: 'voice',
};

/** One card, ending in CRLF, so that cards can be concatenated into a .vcf file. */
export function writeVcard(c: Contact, version: '3.0' | '4.0'): string {
  const card = new ICAL.Component('vcard');
  // First, and exactly "4.0": ical.js picks its 3.0 or 4.0 rules by the first property.
  card.addPropertyWithValue('version', version);
  card.addPropertyWithValue('fn', c.name);
  addProperty(card, 'n', (p) => p.setValue(splitName(c.name)));
  if (c.organisation) addProperty(card, 'org', (p) => p.setValue([c.organisation]));
  for (const phone of c.phones) {
    addProperty(card, 'tel', (p) => {
      p.setParameter('type', TEL_TYPES[phone.type]);
      if (version === '4.0') {
        // RFC 6350 makes text the default for TEL, but ical.js assumes uri and would leave
        // VALUE out; other readers then take "tel:+32…" for the number itself.
        p.setParameter('value', 'uri');
        p.setValue(`tel:${phone.number}`);
      } else {
        p.resetType('phone-number');
        p.setValue(phone.number);
      }
    });
  }
  for (const email of c.emails) addProperty(card, 'email', (p) => p.setValue(email));
  if (c.notes) card.addPropertyWithValue('note', c.notes);
  if (c.tags.length > 0) addProperty(card, 'categories', (p) => p.setValues(c.tags));
  return card.toString() + '\r\n';
}

function addProperty(card: Component, name: string, fill: (p: Property) => void): void {
  const property = new ICAL.Property(name, card);
  fill(property);
  card.addProperty(property);
}

/** N wants family and given names apart; a full name gives no more than a guess: the last word. */
function splitName(name: string): string[] {
  const words = name.trim().split(/\s+/);
  const family = words.pop() ?? '';
  return [family, words.join(' '), '', '', ''];
}
