/**
 * The Monitor route's answer, as the browser reads it: the server's own types (type-only imports,
 * so nothing of lib/server is bundled into the page).
 */
import type { MonitorData } from "@/lib/server/monitoring";
import type { Channel } from "@/lib/schemas/monitoring";

export type ChannelId = Channel;
export type MonitorView = MonitorData;
export type LowConfidenceEntry = MonitorData["lowConfidence"][number];
export type WrongEntry = MonitorData["wrong"][number];
