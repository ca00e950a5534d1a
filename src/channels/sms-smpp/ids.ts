/**
 * SMS centres write the same message id differently in submit_sm_resp and in
 * the receipt text: hex in one, decimal or zero-padded in the other (Kannel's
 * `msg-id-type` exists for this). Herald matches a receipt to its submit by
 * id, so both sides go through one canonical form per connector.
 *
 * `normaliseMessageId` reads an id in a known format and gives its value in
 * lower-case hex without leading zeros ('3A1B2C4D', '974859341' read as
 * decimal and '000000003a1b2c4d' all become '3a1b2c4d'). An id that is not a
 * number in that format is kept as received (trimmed), so odd ids (UUIDs,
 * prefixed ids) still match themselves. `MessageIdCanon` applies it per
 * connector; see there for the 'auto' rule.
 */

/** How the centre writes ids: 'auto' reads an id with a letter a-f as hex and one of digits only as decimal. */
export type IdReading = 'hex' | 'decimal' | 'auto';

/** Connector setting: `verbatim` compares ids exactly as received (trimmed). */
export type MessageIdFormat = IdReading | 'verbatim';

const HEX = /^[0-9a-f]+$/i;
const DECIMAL = /^[0-9]+$/;
const HAS_LETTER = /[a-f]/i;

/**
 * Pure: the canonical form of `id` read as `format`. Examples: ('3A1B2C4D',
 * 'hex') → '3a1b2c4d'; ('974859341', 'decimal') → '3a1b2c4d'; ('0000000974859341',
 * 'auto') → '3a1b2c4d'; ('abc-1', any) → 'abc-1'.
 */
export function normaliseMessageId(id: string, format: IdReading): string {
  const s = id.trim();
  const asHex = format === 'hex' || (format === 'auto' && HAS_LETTER.test(s));
  if (asHex && HEX.test(s)) return BigInt(`0x${s}`).toString(16);
  if (!asHex && DECIMAL.test(s)) return BigInt(s).toString(16);
  return s;
}

// Forms remembered for recent submits (three per id: ~20,000 ids), per generation.
const REMEMBERED_FORMS = 60_000;

/**
 * The per-connector rule. With 'hex' or 'decimal' every id (submit_sm_resp,
 * receipted_message_id TLV, receipt text) is read that way; 'verbatim' only
 * trims. With 'auto' (the default):
 * 1. the canonical id is the submit_sm_resp id read as hex: lower case, leading
 *    zeros stripped. For a hex centre that is its value; for a decimal centre
 *    the digits stay as written (a digit string read as hex keeps its digits),
 *    so it is still the id an operator sees at the centre. It never depends on
 *    anything learnt, so a result once returned stays valid;
 * 2. the receipted_message_id TLV is the submit_sm_resp id itself: same reading;
 * 3. an id from the receipt text is first looked up among the forms recent
 *    submits may take in a receipt (as returned, the decimal value of a hex id,
 *    the hex value of a decimal id; zeros stripped), which settles every
 *    ambiguous case; failing that (receipt before its submit_sm_resp, or long
 *    after), it is converted by its look: once the centre is known to answer in
 *    hex (a submit id had a letter a-f), digits only mean a decimal receipt id
 *    and are converted to hex; until then, a letter a-f means a hex receipt id
 *    for a decimal centre and is converted to decimal; anything else is taken
 *    as written.
 */
export class MessageIdCanon {
  private respHex = false;
  // Two generations instead of oldest-first eviction from one Map: deleting
  // from the front of a big Map leaves holes every later `keys().next()` walks.
  // When `forms` is full it becomes `older` and a fresh one starts, so the
  // newest REMEMBERED_FORMS forms (at most twice that) are always known.
  private forms = new Map<string, string>();
  private older = new Map<string, string>();

  constructor(private readonly format: MessageIdFormat) {}

  /** The canonical id for a submit_sm_resp `message_id`. */
  forSubmit(id: string): string {
    if (this.format === 'verbatim') return id.trim();
    if (this.format !== 'auto') return normaliseMessageId(id, this.format);
    const canonical = stripped(id);
    if (!HEX.test(canonical)) return canonical;
    if (HAS_LETTER.test(canonical)) this.respHex = true;
    this.remember(canonical, canonical, true);
    this.remember(BigInt(`0x${canonical}`).toString(10), canonical, false);
    if (DECIMAL.test(canonical)) this.remember(BigInt(canonical).toString(16), canonical, false);
    return canonical;
  }

  /** The canonical id for a receipt: its receipted_message_id TLV when present, else the id in its text. */
  forReceipt(tlvId: string | null, textId: string | null): string {
    const id = tlvId ?? textId ?? '';
    if (this.format === 'verbatim') return id.trim();
    if (this.format !== 'auto') return normaliseMessageId(id, this.format);
    const key = stripped(id);
    if (tlvId !== null || !HEX.test(key)) return key;
    const known = this.forms.get(key) ?? this.older.get(key);
    if (known !== undefined) return known;
    const letters = HAS_LETTER.test(key);
    if (this.respHex && !letters) return BigInt(key).toString(16);
    if (!this.respHex && letters) return BigInt(`0x${key}`).toString(10);
    return key;
  }

  private remember(form: string, canonical: string, exact: boolean): void {
    // An alternative form never displaces the exact form of another id.
    if (!exact && (this.forms.has(form) || this.older.has(form))) return;
    // An entry in `forms` shadows one for the same form in `older`.
    this.forms.set(form, canonical);
    if (this.forms.size >= REMEMBERED_FORMS) {
      this.older = this.forms;
      this.forms = new Map();
    }
  }
}

/** Lower case, leading zeros removed (one zero kept), for numeric-looking ids only. */
function stripped(id: string): string {
  const s = id.trim();
  if (!HEX.test(s)) return s;
  return s.toLowerCase().replace(/^0+(?=.)/, '');
}
