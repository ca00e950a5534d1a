import { invalid } from '../platform/errors.js';

const NEWLINE = 0x0a;

/**
 * The lines of an NDJSON body, numbered from 1, each decoded as UTF-8 once it
 * is whole. A line is refused as soon as its bytes would pass `maxBytes`,
 * before they are kept or joined: a line without end holds at most that much
 * memory, and reading stops there.
 */
export async function* readLines(source: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<{ n: number; text: string }> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = [];
  let size = 0;
  let n = 0;
  const take = (piece: Buffer) => {
    if (size + piece.length > maxBytes) throw invalid(`line ${n + 1}`, `is longer than ${maxBytes} bytes`);
    size += piece.length;
    return piece;
  };
  const line = (last: Buffer) => {
    n++;
    const bytes = pending.length === 0 ? last : Buffer.concat([...pending, last]);
    pending = [];
    size = 0;
    try {
      return { n, text: decoder.decode(bytes) };
    } catch {
      throw invalid(`line ${n}`, 'is not UTF-8 text');
    }
  };
  for await (const chunk of source) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      yield line(take(chunk.subarray(start, end)));
      start = end + 1;
    }
    // A copy, so that a short tail does not keep its whole chunk alive.
    if (start < chunk.length) pending.push(Buffer.from(take(chunk.subarray(start))));
  }
  if (size > 0) yield line(Buffer.alloc(0));
}
