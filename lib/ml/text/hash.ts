/**
 * String hashing for the hashing tokenizer. Pure integer arithmetic on UTF-16 code units, so the
 * browser, Node and every tfjs backend agree bit for bit. The id is saved in the model bundle;
 * never change what an existing id computes (old bundles would silently mispredict).
 */

export const HASH_FUNCTIONS = ["fnv1a32-fmix"] as const;
export type HashFunctionId = (typeof HASH_FUNCTIONS)[number];

/** FNV-1a over UTF-16 code units, seeded, then MurmurHash3's fmix32 to spread the low bits. */
export function fnv1a32Fmix(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashFunction(id: HashFunctionId): (text: string, seed: number) => number {
  switch (id) {
    case "fnv1a32-fmix":
      return fnv1a32Fmix;
  }
}
