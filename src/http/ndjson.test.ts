import { describe, expect, it } from 'vitest';
import { isAppError } from '../platform/errors.js';
import { readLines } from './ndjson.js';

async function* pieces(...parts: (string | number[])[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : Buffer.from(p);
}

async function collect(source: AsyncIterable<Buffer>, maxBytes = 100) {
  const out: { n: number; text: string }[] = [];
  for await (const line of readLines(source, maxBytes)) out.push(line);
  return out;
}

async function refusal(source: AsyncIterable<Buffer>, maxBytes = 100) {
  const error = await collect(source, maxBytes).then(() => null, (e: unknown) => e);
  if (!isAppError(error)) throw new Error(`expected a refusal, got ${String(error)}`);
  return { field: error.field, message: error.message };
}

describe('readLines', () => {
  it('splits lines across chunks, a character cut in two included, and numbers them from 1', async () => {
    const euro = Buffer.from('€');
    expect(await collect(pieces('{"a":1}\n{"b"', ':2}\r\n\n"', [euro[0]!], [euro[1]!, euro[2]!], '"'))).toEqual([
      { n: 1, text: '{"a":1}' },
      { n: 2, text: '{"b":2}\r' },
      { n: 3, text: '' },
      { n: 4, text: '"€"' },
    ]);
  });

  it('refuses a line that is not UTF-8, naming it', async () => {
    expect(await refusal(pieces('"ok"\n"', [0xed, 0xa0, 0x80], '"\n'))).toMatchObject({ field: 'line 2', message: 'is not UTF-8 text' });
  });

  it('takes a line of exactly the cap and refuses one byte more', async () => {
    expect(await collect(pieces('x'.repeat(100), '\n'))).toEqual([{ n: 1, text: 'x'.repeat(100) }]);
    expect((await refusal(pieces('x'.repeat(60), 'x'.repeat(41), '\n'))).field).toBe('line 1');
  });

  it('refuses a 200 MB line without a newline after reading little more than the cap', async () => {
    const CHUNK = 64 * 1024;
    const CAP = 30_000;
    let pulled = 0;
    let largest = 0;
    async function* upload(): AsyncGenerator<Buffer> {
      yield Buffer.from('{"text":"hi"}\n');
      for (let sent = 0; sent < 200 * 1024 * 1024; sent += CHUNK) {
        const chunk = Buffer.alloc(CHUNK, 0x78);
        pulled += chunk.length;
        largest = Math.max(largest, chunk.length);
        yield chunk;
      }
    }
    expect((await refusal(upload(), CAP)).field).toBe('line 2');
    // The reader asked for one chunk past the cap and stopped: nothing it could have joined exceeds that.
    expect(pulled).toBeLessThanOrEqual(CAP + largest);
  });
});
