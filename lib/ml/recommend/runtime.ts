/**
 * The recommender at run time. The saved tfjs model holds user rows [p, b_u, 1] and item rows
 * [q, 1, b_i] (row 0 is padding), so dot(user, item) = p·q + b_u + b_i and a rating is
 * globalMean + dot. Scores for all items are computed in JS from the weights (exact, no tensors).
 */
import type * as tf from "@tensorflow/tfjs";
import type { BundleManifest, ManifestPayload } from "../bundle";
import { PredictorError } from "../errors";
import type { Recommendation, RecommendQuery } from "../types";

export type RankingPayload = Extract<ManifestPayload, { kind: "ranking" }>;

export interface RecommendOptions {
  /** Items per answer; default 10. */
  topN?: number;
  /** What to do for a user id the model has not seen: "error" (default) or "popular". */
  unknownUser?: "error" | "popular";
}

/** Solves (A + l I) x = b for a small symmetric positive definite A (Cholesky). */
export function ridgeSolve(a: Float64Array, b: Float64Array, n: number, l2: number): Float64Array {
  const m = Float64Array.from(a);
  for (let i = 0; i < n; i++) m[i * n + i] += l2;
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = m[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

export function createRecommenderRuntime(model: tf.LayersModel, manifest: BundleManifest) {
  const payload = manifest.payload;
  if (manifest.preprocessing.kind !== "ids" || payload?.kind !== "ranking") throw new PredictorError("bad-input", "This bundle is not a recommender.");
  const userLayer = model.getLayer("users");
  const itemLayer = model.getLayer("items");
  const U = userLayer.getWeights()[0].dataSync() as Float32Array;
  const V = itemLayer.getWeights()[0].dataSync() as Float32Array;
  const k = payload.factors;
  const d = k + 2;
  const { users, items } = payload;
  if (U.length !== (users.length + 1) * d || V.length !== (items.length + 1) * d) throw new PredictorError("bad-input", "The recommender's weights do not match its user and item lists.");
  const userIndex = new Map(users.map((u, i) => [u, i]));
  const itemIndex = new Map(items.map((it, i) => [it, i]));

  const scoresFor = (u: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(items.length);
    for (let i = 0; i < items.length; i++) {
      let s = payload.globalMean;
      const base = (i + 1) * d;
      for (let j = 0; j < d; j++) s += u[j] * V[base + j];
      out[i] = s;
    }
    return out;
  };

  const top = (scores: Float64Array, exclude: Set<number>, n: number) =>
    Array.from(scores.keys())
      .filter((i) => !exclude.has(i))
      .sort((a, b) => scores[b] - scores[a] || a - b)
      .slice(0, n)
      .map((i) => ({ item: items[i], score: scores[i] }));

  const popular = (exclude: Set<number>, n: number): Recommendation => ({
    items: payload.popular
      .filter((i) => !exclude.has(i))
      .slice(0, n)
      .map((i, r) => ({ item: items[i], score: 1 - r / Math.max(payload.popular.length, 1) })),
    source: "popular",
  });

  /** [p, b_u, 1] for a new user from a few ratings (ridge regression against the item rows). */
  const foldIn = (rated: { index: number; rating: number }[]): Float64Array => {
    const n = k + 1; // p and b_u
    const A = new Float64Array(n * n);
    const b = new Float64Array(n);
    for (const { index, rating } of rated) {
      const base = (index + 1) * d;
      const x = new Float64Array(n);
      for (let j = 0; j < k; j++) x[j] = V[base + j];
      x[k] = 1; // b_u
      const target = rating - payload.globalMean - V[base + k + 1];
      for (let r = 0; r < n; r++) {
        b[r] += x[r] * target;
        for (let c = 0; c < n; c++) A[r * n + c] += x[r] * x[c];
      }
    }
    const sol = ridgeSolve(A, b, n, payload.foldInL2);
    const u = new Float64Array(d);
    u.set(sol);
    u[k + 1] = 1;
    return u;
  };

  return {
    users,
    items,
    recommend(queries: readonly RecommendQuery[], options: RecommendOptions = {}): Recommendation[] {
      const n = Math.max(1, Math.floor(options.topN ?? 10));
      return queries.map((q, qi) => {
        if (typeof q !== "object" || q === null) throw new PredictorError("bad-input", `Input ${qi}: expected {user} or {ratings: [{item, rating}]}.`);
        if (q.user !== undefined) {
          const u = userIndex.get(String(q.user));
          if (u === undefined) {
            if (options.unknownUser === "popular") return popular(new Set(), n);
            throw new PredictorError("unknown-user", `The model does not know the user "${q.user}"; pass their ratings as a new user instead.`);
          }
          return { items: top(scoresFor(U.subarray((u + 1) * d, (u + 2) * d)), new Set(payload.rated[u]), n), source: "user" };
        }
        const rated: { index: number; rating: number }[] = [];
        for (const r of q.ratings ?? []) {
          const index = itemIndex.get(String(r?.item));
          if (index === undefined) continue; // items the model never saw carry no information
          const rating = payload.implicit ? payload.maxRating : Number(r.rating ?? payload.maxRating);
          if (!Number.isFinite(rating)) throw new PredictorError("bad-input", `Input ${qi}: the rating of "${r.item}" is not a number.`);
          rated.push({ index, rating });
        }
        const exclude = new Set(rated.map((r) => r.index));
        if (rated.length === 0) return popular(exclude, n);
        return { items: top(scoresFor(foldIn(rated)), exclude, n), source: "new-user" };
      });
    },
    predictRatings(pairs: readonly { user: string; item: string }[]): Float32Array {
      return Float32Array.from(pairs, ({ user, item }) => {
        const u = userIndex.get(user);
        const i = itemIndex.get(item);
        if (u === undefined) throw new PredictorError("unknown-user", `The model does not know the user "${user}".`);
        if (i === undefined) throw new PredictorError("unknown-item", `The model does not know the item "${item}".`);
        let s = payload.globalMean;
        for (let j = 0; j < d; j++) s += U[(u + 1) * d + j] * V[(i + 1) * d + j];
        return payload.implicit ? s : Math.min(Math.max(s, payload.minRating), payload.maxRating);
      });
    },
  };
}
