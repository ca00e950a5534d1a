export type SmsEncoding = 'gsm7' | 'ucs2';
export type ReferenceBits = 8 | 16;

/** What one SMS carries: 140 octets of user data, i.e. 160 septets or 70 UTF-16 units. */
export const SINGLE_PART_UNITS: Readonly<Record<SmsEncoding, number>> = { gsm7: 160, ucs2: 70 };

/**
 * Per-part capacity once a concatenation UDH takes its share of the 140 octets:
 * 6 octets with an 8-bit reference (48 bits: 1072 / 7 = 153 septets, 67 units),
 * 7 octets with a 16-bit reference (56 bits: 152 septets, 66 units).
 */
export const MULTIPART_UNITS: Readonly<Record<ReferenceBits, Readonly<Record<SmsEncoding, number>>>> = {
  8: { gsm7: 153, ucs2: 67 },
  16: { gsm7: 152, ucs2: 66 },
};

/** The UDH total and sequence fields are one octet each. */
export const MAX_PARTS = 255;
