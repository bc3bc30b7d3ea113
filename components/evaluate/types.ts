/** What the model routes return (lib/server/models.ts), as the browser sees it. */
// Type-only import: erased at build time, so no server code reaches the browser bundle.
import type { ModelVersionSummary } from "@/lib/server/models";
import type { EntitiesReport, MultiLabelReport, RankingReport, RetrievalReport } from "@/lib/ml/metrics";

export type VersionSummary = ModelVersionSummary;

export interface ClassificationMetrics {
  kind: "classification";
  samples: number;
  accuracy: number;
  macroF1: number;
  perClass: { label: string; precision: number; recall: number; f1: number; support: number }[];
  labels: string[];
  confusion: number[][];
  cells: { actual: number; predicted: number; count: number; samples: number[] }[];
}

export interface RegressionMetrics {
  kind: "regression";
  samples: number;
  mae: number;
  rmse: number;
  r2: number;
}

export interface VersionDetail extends VersionSummary {
  manifest: {
    scene: string;
    modelType: string;
    labels: string[];
    metrics: ClassificationMetrics | RegressionMetrics | RetrievalReport | EntitiesReport | RankingReport | MultiLabelReport | null;
    metricsSplit: "validation" | "training" | null;
    backend: string;
    trainingMs: number;
    training: { preset: string; bestEpoch: number | null; stoppedReason: string; trainSamples: number; validationSamples: number; history: { epoch: number; loss: number; acc: number | null; valLoss: number | null; valAcc: number | null }[] } | null;
  };
  examples: Record<string, { sampleId: string; text: string | null; blobId: string | null }[]>;
}
