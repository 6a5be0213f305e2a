/**
 * Seeded randomness for the world's physics. mulberry32 is tiny and fast enough to call many
 * times per tick; names and log text come from a seeded faker elsewhere.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  range(min: number, max: number): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  /** Normal noise with mean 0 and the given standard deviation. */
  gauss(sd: number): number;
  pick<T>(items: readonly T[]): T;
  /** A lowercase string of `length` characters from `alphabet`. */
  token(length: number, alphabet?: string): string;
}

/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no look-alikes). */
export const kubeSuffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function createRng(seed: number): Rng {
  let state = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    range: (min, max) => min + next() * (max - min),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    gauss: (sd) => {
      const u = Math.max(next(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next()) * sd;
    },
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    token: (length, alphabet = '0123456789abcdef') => {
      let out = '';
      for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
      return out;
    },
  };
  return rng;
}

/** FNV-1a of a string: a stable 32-bit number for deriving per-object constants without drawing from an Rng. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * A number in [0, 1) fixed by two integers (an object's hash and a time step): noise that reads
 * the same every time it is read, so observing the world never moves its random sequence.
 */
export function hashedUnit(a: number, b: number): number {
  let t = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x6d2b79f5, 0xc2b2ae35)) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
