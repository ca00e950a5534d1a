import { smpp } from './smpp-lib.js';

// data_coding values (SMPP 3.4 §5.2.19) the simulator understands.
const DC_GSM = 0x00;
const DC_IA5 = 0x01;
const DC_LATIN1 = 0x03;
const DC_UCS2 = 0x08;

/** Decodes message bytes (UDH already removed) by data_coding; '' for binary or unknown codings. */
export function decodeText(bytes: Buffer, dataCoding: number): string {
  if (dataCoding === DC_UCS2) {
    const even = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
    return even.swap16().toString('utf16le');
  }
  if (dataCoding === DC_LATIN1) return bytes.toString('latin1');
  if (dataCoding === DC_IA5) return bytes.toString('ascii');
  // 0x00 and the GSM message-class codings 0xF0–0xF3 (bit 2 clear = 7-bit alphabet).
  if (dataCoding === DC_GSM || (dataCoding & 0xf4) === 0xf0) return smpp.gsmCoder.decode(bytes, 0);
  return '';
}

/**
 * Encodes a text: GSM 7-bit (one septet per octet, unpacked, as SMPP carries it)
 * when every character fits, else UCS-2. We never leave the choice to the
 * `smpp` package: it tags GSM text as 0x01 (IA5), which some handsets garble.
 */
export function encodeText(text: string, dataCoding?: number): { bytes: Buffer; dataCoding: number } {
  const coding = dataCoding ?? (smpp.encodings.ASCII.match(text) ? DC_GSM : DC_UCS2);
  switch (coding) {
    case DC_GSM:
      return { bytes: smpp.gsmCoder.encode(text, 0), dataCoding: coding };
    case DC_UCS2:
      return { bytes: Buffer.from(text, 'utf16le').swap16(), dataCoding: coding };
    case DC_IA5:
      return { bytes: Buffer.from(text, 'ascii'), dataCoding: coding };
    default:
      return { bytes: Buffer.from(text, 'latin1'), dataCoding: coding };
  }
}
