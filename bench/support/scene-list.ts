/**
 * The scene registry as JSON, for bench/scenes.bench.mjs (plain .mjs cannot import the TypeScript
 * registry): per scene its default model type, the available model types, the interfaces, the data
 * kind and whether it has a bundled sample dataset; per model type whether its training needs conv
 * gradients (so the trainer skips wasm).
 *
 *   npx tsx bench/support/scene-list.ts   # prints one JSON line
 */
import { SCENES, defaultModelType } from "../../lib/scenes";
import { getSampleDataset } from "../../lib/data/samples";
import { modelNeedsConvGradients } from "../../lib/ml/backend";

const scenes = SCENES.map((s) => ({
  id: s.id,
  name: s.name.en,
  dataKind: s.dataKind,
  interfaces: [...s.interfaces],
  defaultModelType: defaultModelType(s),
  modelTypes: s.modelTypes.map((m) => ({ id: m.id, name: m.name.en, available: m.available, needsConvGradients: modelNeedsConvGradients(m.id) })),
  sample: getSampleDataset(s.id)?.path ?? null,
}));
process.stdout.write(`${JSON.stringify(scenes)}\n`);
