export interface OversizedBodyResult {
  path: string;
  status: number | null;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  msToResponse: number | null;
  bytesSent: number;
  totalBytes: number;
  /** Milliseconds from the answer to the server closing the connection; null if it stayed open. */
  serverClosedAfterMs: number | null;
  /** A connection error before any answer arrived. */
  error: string | null;
}

export interface BodyTarget {
  path: string;
  headers?: Record<string, string>;
  fill?: string;
}

export function rssKiB(pid: number): number | null;
export function sampleRss(pid: number, everyMs?: number): { stop(): number };
export function sendOversizedBody(opts: BodyTarget & { base: string; totalBytes: number; chunkBytes?: number; closeWaitMs?: number }): Promise<OversizedBodyResult>;
export function attackInParallel(opts: {
  base: string;
  pid: number;
  targets: BodyTarget[];
  totalBytes: number;
  chunkBytes?: number;
  settleMs?: number;
}): Promise<{ rssBeforeKiB: number | null; rssPeakKiB: number; rssAfterKiB: number | null; wallMs: number; results: OversizedBodyResult[] }>;
