import { DEFAULT_LOCALE, textsFor, type Locale } from '../texts/index.js';

/** What a reply forwarded by email says. */
export interface ForwardedReply {
  from: string;
  to: string;
  text: string;
  receivedAt: Date;
  incomplete: boolean;
}

// Control characters and line or paragraph separators: a sender address comes
// from the network, and "+32 \r\nBcc: x@y" must stay one harmless line.
const BREAKS = /[\p{Cc}\p{Zl}\p{Zp}]+/gu;

/** One line of at most `max` characters, safe in a header. */
export function oneLine(value: string, max = 64): string {
  const line = value.replace(BREAKS, ' ').replace(/\s+/g, ' ').trim();
  return (line.length > max ? `${line.slice(0, max - 1)}…` : line) || '(unknown)';
}

/**
 * Subject and body of the email: the sender only in a one-line subject, the
 * text only in the body (where line breaks are text, not headers).
 */
export function forwardEmail(reply: ForwardedReply, locale: Locale = DEFAULT_LOCALE): { subject: string; text: string } {
  const t = textsFor(locale).forwardedReply;
  const from = oneLine(reply.from);
  const lines = [
    `${t.from}: ${from}`,
    `${t.to}: ${oneLine(reply.to)}`,
    `${t.received}: ${reply.receivedAt.toISOString()}`,
    ...(reply.incomplete ? [t.incomplete] : []),
    '',
    reply.text,
  ];
  return { subject: t.subject(from), text: lines.join('\n') };
}
