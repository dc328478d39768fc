/**
 * A small seeded pseudo-random number generator, so that anything built on resampling (the bootstrap
 * interval for alpha) gives the same answer for the same input and seed on every machine. Math.random
 * cannot be seeded, and its algorithm differs between engines.
 */

/**
 * A generator of floats in [0, 1) from a seed (mulberry32: 32 bits of state, period 2^32, fast and
 * good enough for resampling; not for cryptography).
 *
 * The seed is reduced to an unsigned 32-bit integer (`seed >>> 0`): fractions are dropped, seeds that
 * are equal modulo 2^32 give the same stream, and NaN or ±Infinity act as 0.
 */
export function seeded(seed: number): () => number {
  let state = Number.isFinite(seed) ? Math.trunc(seed) >>> 0 : 0;
  return () => {
    // Math.imul keeps the arithmetic in 32-bit integers, so every engine yields the same sequence.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    // 32 random bits divided by 2^32: never reaches 1.
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n) drawn from `rand` (n ≥ 1). The bias of flooring is below 2^-32 · n, far under resampling noise. */
export function randomIndex(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}
