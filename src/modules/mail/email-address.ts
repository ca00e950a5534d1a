/**
 * A plain address as Herald stores and sends to it: no display name, no
 * comments, nothing that could end a header line, at most 254 characters.
 */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && /^[^@\s<>",;:()[\]\\\p{Cc}]+@[^@\s<>",;:()[\]\\\p{Cc}]+\.[^@\s<>",;:()[\]\\\p{Cc}]+$/u.test(value);
}
