import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as inbox from '../../src/modules/inbox/index.js';
import { sql, type Executor } from '../../src/platform/db/index.js';
import type { SmscSimulator } from '../../src/simulators/smsc/index.js';

/** GSM 7-bit unpacked, for the plain ASCII letters, digits and punctuation the tests use. */
export const gsm = (text: string) => Buffer.from(text, 'latin1');
export const ucs2 = (text: string) => Buffer.from(text, 'utf16le').swap16();

/** A concatenation header: IEI 0x00 with an 8-bit reference, 0x08 with a 16-bit one. */
export function udh(bits: 8 | 16, reference: number, total: number, sequence: number): Buffer {
  return bits === 8
    ? Buffer.from([0x05, 0x00, 0x03, reference, total, sequence])
    : Buffer.from([0x06, 0x08, 0x04, reference >> 8, reference & 0xff, total, sequence]);
}

/** Sends the given parts (1-based sequence numbers, in that order) as real deliver_sm PDUs; each must be answered 0. */
export async function sendParts(
  sim: SmscSimulator,
  m: { from: string; to: string; bits: 8 | 16; reference: number; chunks: Buffer[]; dataCoding: number; order: number[] },
): Promise<void> {
  for (const sequence of m.order) {
    const body = m.chunks[sequence - 1]!;
    const status = await sim.sendMo({ from: m.from, to: m.to, shortMessage: Buffer.concat([udh(m.bits, m.reference, m.chunks.length, sequence), body]), esmClass: 0x40, dataCoding: m.dataCoding });
    if (status !== 0) throw new Error(`part ${sequence} answered 0x${status.toString(16)}`);
  }
}

/** Runs the assembly loop until it has nothing left to do. */
export async function assembleAll(db: Executor, options: inbox.AssembleOptions = {}): Promise<void> {
  for (let i = 0; i < 100 && (await inbox.assembleInbound(db, options)); i++);
}

export interface InboxFact {
  id: string;
  account_id: string | null;
  sender: string;
  recipient: string;
  body: string;
  parts: number;
  incomplete: boolean;
  opt_out: string | null;
  reply_to_message_id: string | null;
}

export async function inboxRows(db: Executor, where: { sender?: string } = {}): Promise<InboxFact[]> {
  const r = await sql<InboxFact>`select id, account_id, sender, recipient, body, parts, incomplete, opt_out, reply_to_message_id from inbox_messages
    ${where.sender !== undefined ? sql`where sender = ${where.sender}` : sql``} order by received_at, id`.execute(db);
  return r.rows;
}

export async function addDedicated(db: Executor, number: string, accountId: string): Promise<void> {
  await sql`insert into sender_numbers (number, kind, account_id) values (${number}, 'dedicated', ${accountId})`.execute(db);
}

export async function addPool(db: Executor, number: string, pairs: [recipient: string, accountId: string][]): Promise<void> {
  await sql`insert into sender_numbers (number, kind) values (${number}, 'pool') on conflict do nothing`.execute(db);
  for (const [recipient, accountId] of pairs) {
    await sql`insert into pool_assignments (pool_number, recipient, account_id) values (${number}, ${recipient}, ${accountId})`.execute(db);
  }
}

export async function deliveriesOf(db: Executor, accountId: string): Promise<{ url: string; type: string; endpoint_id: string | null; status: string; data: Record<string, unknown> }[]> {
  const r = await sql<{ url: string; type: string; endpoint_id: string | null; status: string; data: Record<string, unknown> }>`
    select d.url, e.type, d.endpoint_id, d.status, e.payload->'data' as data from webhook_deliveries d join webhook_events e on e.id = d.event_id
    where d.account_id = ${accountId} order by d.created_at, d.id`.execute(db);
  return r.rows;
}

/** A real HTTP server on loopback that answers 200 and keeps each request. */
export async function startReceiver() {
  const received: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The headers of a raw email, unfolded, before the first empty line. */
export function headerLines(raw: string): string[] {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  return head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
}
