// What every benchmark reads from its environment and how it rounds what it prints.

/** A positive integer from the environment, or `fallback`. */
export function intKnob(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isSafeInteger(v) && v > 0 ? v : fallback;
}

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
