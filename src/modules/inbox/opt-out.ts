/** What a reply asks of the account's suppression list. */
export type OptOut = 'stop' | 'start';

// The words carriers and the CTIA guidelines treat as opt-out and opt-in.
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
const START_WORDS = new Set(['START', 'UNSTOP']);

// Spaces, punctuation and symbols around the word ("  Stop! ", "¡STOP!", "quit.")
// are what phones and people add; anything else makes it a sentence.
const EDGES = /^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu;

/**
 * The keyword a reply consists of, or null. Only the whole text counts: "don't
 * stop" or "stop it" are conversation, and acting on them would silence a
 * customer who never asked.
 */
export function optOutKeyword(text: string): { action: OptOut; word: string } | null {
  const word = text.replace(EDGES, '').toUpperCase();
  if (STOP_WORDS.has(word)) return { action: 'stop', word };
  if (START_WORDS.has(word)) return { action: 'start', word };
  return null;
}
