import * as tf from "@tensorflow/tfjs";

/*
 * Loading a layers model from bytes someone uploaded (a trained bundle, a user's backbone) without
 * letting its topology allocate more than its weights. tf.loadLayersModel first builds every layer
 * from the topology — creating and initialising each weight at the shape the layer declares — and
 * only then checks the shapes against the weights it was given. A bundle that declares a Dense layer
 * of 4,000,000 units next to a few kilobytes of weights made the server allocate half a gigabyte on
 * its first prediction. Here every weight a layer creates is checked before it is allocated: no
 * single weight may be larger than the largest weight in the file, and all together no more than the
 * file holds. Loads run one at a time, so each is checked against its own weights.
 */

export class ModelShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelShapeError";
  }
}

interface Guard {
  maxElements: number;
  totalElements: number;
  used: number;
}

let guard: Guard | null = null;
let installed = false;

function install() {
  if (installed) return;
  installed = true;
  const proto = (tf.layers.Layer as unknown as { prototype: Record<string, unknown> }).prototype;
  const original = proto.addWeight as (this: unknown, name: string, shape: number[], ...rest: unknown[]) => unknown;
  proto.addWeight = function guardedAddWeight(this: unknown, name: string, shape: number[], ...rest: unknown[]) {
    if (guard) {
      const n = shape.reduce((a, b) => a * Math.max(0, b ?? 0), 1);
      guard.used += n;
      if (!Number.isFinite(n) || n > guard.maxElements || guard.used > guard.totalElements) {
        throw new ModelShapeError(`a layer declares a weight "${name}" of shape [${shape.join(", ")}] that its file does not hold`);
      }
    }
    return original.call(this, name, shape, ...rest);
  };
}

let queue: Promise<unknown> = Promise.resolve();

/** tf.loadLayersModel on in-memory artifacts, with every created weight bounded by the artifacts' weights. */
export function loadLayersModelGuarded(artifacts: tf.io.ModelArtifacts): Promise<tf.LayersModel> {
  install();
  const specs = artifacts.weightSpecs ?? [];
  const sizes = specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
  const run = async () => {
    guard = { maxElements: Math.max(0, ...sizes), totalElements: sizes.reduce((a, b) => a + b, 0), used: 0 };
    const engine = tf.engine() as unknown as { registeredVariables: Record<string, tf.Variable> };
    const before = new Set(Object.keys(engine.registeredVariables));
    try {
      return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    } catch (e) {
      // The layers built before the failure keep their weights as registered variables: free them,
      // or every failed attempt would leak them.
      for (const [name, v] of Object.entries(engine.registeredVariables)) if (!before.has(name)) v.dispose();
      throw e;
    } finally {
      guard = null;
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}
