declare module 'dumb-passwords' {
  /** True when the password is in the list of the 10,000 most common ones. */
  export function check(password: string): boolean;
}
