/**
 * BIO tags for the entity tagger: tag set, spans → token tags, constrained decoding, tags → spans,
 * and entity-level metrics (exact span match).
 *
 * Tag order: "O", then "B-T", "I-T" for every type T in sorted order. A tag sequence is valid when
 * every "I-T" follows "B-T" or "I-T". decodeBio never returns an invalid sequence: it is a Viterbi
 * search over the tagger's log-probabilities in which the invalid transitions are forbidden.
 */
import { prf, type EntitiesReport } from "../metrics";
import type { Token } from "./tokens";

export interface Span {
  start: number;
  end: number;
  label: string;
}

export function bioTags(types: readonly string[]): string[] {
  return ["O", ...types.flatMap((t) => [`B-${t}`, `I-${t}`])];
}

/** Type index of tag id (0-based over types), or -1 for O. B-tags are odd ids, I-tags even ids > 0. */
const typeOf = (tag: number) => (tag === 0 ? -1 : (tag - 1) >> 1);
const isInside = (tag: number) => tag > 0 && tag % 2 === 0;

/** May tag `to` follow tag `from` (from = -1: sentence start)? */
export function allowedTransition(from: number, to: number): boolean {
  if (!isInside(to)) return true;
  return from > 0 && typeOf(from) === typeOf(to);
}

export function isValidBio(tags: ArrayLike<number>): boolean {
  for (let t = 0; t < tags.length; t++) if (!allowedTransition(t === 0 ? -1 : tags[t - 1], tags[t])) return false;
  return true;
}

/**
 * Token tags from character spans: a token inside a span gets B- (first) or I- (rest). Tokens
 * only partly covered count as inside (the span then cannot be matched exactly; rare with this
 * tokenisation). Spans with unknown types are ignored.
 */
export function spansToTags(tokens: readonly Token[], spans: readonly Span[], types: readonly string[]): Int32Array {
  const typeIndex = new Map(types.map((t, i) => [t, i]));
  const tags = new Int32Array(tokens.length);
  for (const span of spans) {
    const ti = typeIndex.get(span.label);
    if (ti === undefined) continue;
    let first = true;
    tokens.forEach((tok, i) => {
      if (tok.end > span.start && tok.start < span.end) {
        tags[i] = first ? 1 + 2 * ti : 2 + 2 * ti;
        first = false;
      }
    });
  }
  return tags;
}

/**
 * Constrained Viterbi. logProbs is [tokens x numTags] row-major. Returns the highest-scoring valid
 * tag sequence (ties: lower tag id first).
 */
export function decodeBio(logProbs: ArrayLike<number>, numTokens: number, numTags: number): Int32Array {
  const out = new Int32Array(numTokens);
  if (numTokens === 0) return out;
  let score = new Float64Array(numTags);
  let next = new Float64Array(numTags);
  const back = new Int32Array(numTokens * numTags);
  for (let k = 0; k < numTags; k++) score[k] = allowedTransition(-1, k) ? logProbs[k] : -Infinity;
  for (let t = 1; t < numTokens; t++) {
    for (let k = 0; k < numTags; k++) {
      let best = -Infinity;
      let arg = 0;
      for (let j = 0; j < numTags; j++) {
        if (!allowedTransition(j, k)) continue;
        if (score[j] > best) ((best = score[j]), (arg = j));
      }
      next[k] = best + logProbs[t * numTags + k];
      back[t * numTags + k] = arg;
    }
    [score, next] = [next, score];
  }
  let arg = 0;
  for (let k = 1; k < numTags; k++) if (score[k] > score[arg]) arg = k;
  // O is always reachable, so the best final score is finite unless the scores themselves are not.
  if (!Number.isFinite(score[arg])) return out; // all O: valid by construction
  for (let t = numTokens - 1; t >= 0; t--) {
    out[t] = arg;
    arg = back[t * numTags + arg];
  }
  return out;
}

/** Spans from a valid tag sequence, with offsets into the text the tokens came from. */
export function tagsToSpans(tokens: readonly Token[], tags: ArrayLike<number>, types: readonly string[]): Span[] {
  const spans: Span[] = [];
  let open: Span | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const tag = tags[i];
    if (tag === 0) {
      if (open) spans.push(open);
      open = null;
    } else if (isInside(tag) && open && open.label === types[typeOf(tag)]) {
      open.end = tokens[i].end;
    } else {
      if (open) spans.push(open);
      open = { start: tokens[i].start, end: tokens[i].end, label: types[typeOf(tag)] };
    }
  }
  if (open) spans.push(open);
  return spans;
}

/** Exact span match (start, end and type) per type and micro-averaged. */
export function entityReport(gold: readonly (readonly Span[])[], predicted: readonly (readonly Span[])[], types: readonly string[], tokenAccuracy: number): EntitiesReport {
  const counts = new Map(types.map((t) => [t, { tp: 0, gold: 0, pred: 0 }]));
  const get = (t: string) => {
    let c = counts.get(t);
    if (!c) counts.set(t, (c = { tp: 0, gold: 0, pred: 0 }));
    return c;
  };
  gold.forEach((g, i) => {
    const p = predicted[i] ?? [];
    const key = (s: Span) => `${s.start}:${s.end}:${s.label}`;
    const pk = new Set(p.map(key));
    for (const s of g) {
      const c = get(s.label);
      c.gold++;
      if (pk.has(key(s))) c.tp++;
    }
    for (const s of p) get(s.label).pred++;
  });
  let tp = 0;
  let ng = 0;
  let np = 0;
  const perType = [...counts.entries()].map(([type, c]) => {
    tp += c.tp;
    ng += c.gold;
    np += c.pred;
    return { type, ...prf(c.tp, c.pred, c.gold), support: c.gold, predicted: c.pred };
  });
  return { kind: "entities", samples: gold.length, ...prf(tp, np, ng), perType, tokenAccuracy };
}
