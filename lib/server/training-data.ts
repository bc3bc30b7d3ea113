import "server-only";
import { db } from "./db";
import { notFound } from "./errors";
import { getScene } from "@/lib/scenes";

/**
 * Everything the browser's trainer needs, in one compact response: the dataset version it is
 * about to train on and its samples. Images and clips are referenced by blob id and fetched by the
 * worker from the owner-only blob route.
 */
export interface TrainingData {
  /** True when the samples live only in the owner's browser (the trainer reads them there). */
  localDataOnly: boolean;
  datasetVersion: number;
  kind: string;
  labels: string[];
  replies: Record<string, string>;
  task: "classification" | "regression" | null;
  target: string | null;
  /** Recommendation: true when the ratings are clicks (no rating column was mapped); null for other scenes. */
  implicit: boolean | null;
  samples: { id: string; text: string | null; label: string | null; blobId: string | null; data: unknown }[];
}

export async function getTrainingData(userId: string, projectId: string): Promise<TrainingData> {
  const project = await db.project.findFirst({ where: { id: projectId, ownerId: userId } });
  if (!project) throw notFound();
  const scene = getScene(project.scene);
  const ds = await db.dataset.findUnique({ where: { projectId_name: { projectId: project.id, name: "default" } } });
  if (!ds || !scene) return { localDataOnly: project.localDataOnly, datasetVersion: 0, kind: scene?.dataKind ?? "", labels: [], replies: {}, task: null, target: null, implicit: null, samples: [] };
  // Read the rows and the version in one transaction so they belong together.
  const [rows, fresh] = await db.$transaction([
    db.sample.findMany({ where: { datasetId: ds.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true, text: true, label: true, blobId: true, data: true } }),
    db.dataset.findUniqueOrThrow({ where: { id: ds.id } }),
  ]);
  const schema = JSON.parse(fresh.schema || "{}") as { labels?: string[]; replies?: Record<string, string>; task?: "classification" | "regression"; mapping?: { kind: string; target?: string; rating?: string } };
  return {
    localDataOnly: project.localDataOnly,
    datasetVersion: fresh.version,
    kind: ds.kind,
    labels: schema.labels ?? [],
    replies: schema.replies ?? {},
    task: schema.task ?? (scene.dataKind === "tabular" ? "classification" : scene.output === "class" ? "classification" : null),
    target: schema.mapping?.kind === "tabular" ? (schema.mapping.target ?? null) : null,
    implicit: schema.mapping?.kind === "ratings" ? !schema.mapping.rating : null,
    samples: rows.map((r) => ({ id: r.id, text: r.text, label: r.label, blobId: r.blobId, data: r.data ? JSON.parse(r.data) : null })),
  };
}
