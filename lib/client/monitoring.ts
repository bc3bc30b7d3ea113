/** Browser-side monitoring calls. Recording a prediction never delays or breaks an answer. */
export interface PredictionRecord {
  modelVersionId: string | null;
  label: string | null;
  confidence: number | null;
  latencyMs: number;
  fallback: boolean;
  /** The owner's own Playground text; the server keeps it only for text scenes. */
  input?: string;
}

/** Fire-and-forget: resolves to the event id, or null when it could not be recorded. */
export async function recordPrediction(projectId: string, event: PredictionRecord): Promise<string | null> {
  try {
    const res = await fetch(`/api/projects/${encodeURIComponent(projectId)}/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...event, latencyMs: Math.max(0, Math.round(event.latencyMs * 10) / 10) }),
      credentials: "same-origin",
      keepalive: true,
    });
    if (!res.ok) return null;
    return ((await res.json()) as { id?: string }).id ?? null;
  } catch {
    return null;
  }
}
