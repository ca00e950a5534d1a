import { AppError } from '../../platform/errors.js';
import { decodeGsm7 } from './gsm7.js';
import { decodeUcs2 } from './ucs2.js';

/**
 * Decodes an incoming SMPP `short_message` body by its data_coding: 0x00 as
 * GSM-7 unpacked septets, 0x08 as UTF-16BE, 0x01 (IA5) and 0x03 (Latin-1) as
 * Latin-1 (IA5 is its 7-bit subset), and the 0xF0–0xFF group by its alphabet
 * bit. Anything else (binary, JIS, ...) throws `invalid_request` on field
 * `data_coding`, so the caller can keep the raw bytes.
 */
export function decodeText(body: Uint8Array, dataCoding: number): string {
  switch (dataCoding) {
    case 0x00:
      return decodeGsm7(body);
    case 0x08:
      return decodeUcs2(body);
    case 0x01:
    case 0x03:
      return Buffer.from(body).toString('latin1');
  }
  // 3GPP TS 23.038 "data coding/message class" group: bit 2 clear is GSM-7, set is 8-bit data.
  if ((dataCoding & 0xf0) === 0xf0 && (dataCoding & 0x04) === 0) return decodeGsm7(body);
  throw new AppError('invalid_request', `Unsupported data_coding 0x${dataCoding.toString(16).padStart(2, '0')}`, {
    field: 'data_coding',
    context: { dataCoding },
  });
}

/**
 * Reassembles the parts of one long incoming message (bodies after the UDH,
 * as `parseUdh` returns them). Parts may come in any order and duplicated; the
 * first copy of each sequence number wins. Bytes are joined before decoding
 * because other senders do split escape and surrogate pairs across parts.
 * Missing parts are simply absent from the result, for a caller flushing an
 * incomplete message after its timeout.
 */
export function joinParts(parts: ReadonlyArray<{ sequence: number; body: Uint8Array }>, dataCoding: number): string {
  const bySequence = new Map<number, Uint8Array>();
  for (const part of parts) {
    if (!bySequence.has(part.sequence)) bySequence.set(part.sequence, part.body);
  }
  const ordered = [...bySequence.entries()].sort(([a], [b]) => a - b).map(([, body]) => body);
  return decodeText(Buffer.concat(ordered), dataCoding);
}
