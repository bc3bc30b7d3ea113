/** The Monitor route's answer, as the browser reads it (see MonitorData in lib/server/monitoring.ts). */
export type ChannelId = "playground" | "share" | "embed" | "api";

export interface LowConfidenceEntry {
  eventId: string;
  input: string;
  label: string | null;
  confidence: number;
  channel: string;
  createdAt: string;
}

export interface WrongEntry {
  feedbackId: string;
  input: string;
  predictedLabel: string | null;
  correctLabel: string;
  createdAt: string;
}

export interface MonitorView {
  versions: { id: string; number: number; active: boolean }[];
  version: string | null;
  days: number;
  threshold: number;
  total: number;
  truncated: boolean;
  perDay: ({ day: string } & Record<ChannelId, number>)[];
  latency: { p50: number; p95: number; p99: number } | null;
  confidence: number[];
  fallbackRate: number | null;
  feedback: { total: number; correct: number; accuracy: number | null };
  lowConfidence: LowConfidenceEntry[];
  wrong: WrongEntry[];
  labels: string[];
  canAdd: boolean;
  cannotAddReason: "deviceOnly" | "notText" | null;
}
