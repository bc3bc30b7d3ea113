import type { ProjectStatusId } from "./status";

/** The project workspace tabs, in order; `requires` names the step that unlocks a tab. */
export const WORKSPACE_TABS = [
  { id: "data", requires: null },
  { id: "train", requires: "data" },
  { id: "evaluate", requires: "trained" },
  { id: "playground", requires: "trained" },
  { id: "share", requires: "trained" },
  { id: "api", requires: "trained" },
  { id: "monitor", requires: "trained" },
] as const;

export type WorkspaceTabId = (typeof WORKSPACE_TABS)[number]["id"];

export function isWorkspaceTab(id: string): id is WorkspaceTabId {
  return WORKSPACE_TABS.some((t) => t.id === id);
}

/** Whether a tab's content is usable for a project in this status. */
export function isUnlocked(tab: WorkspaceTabId, status: ProjectStatusId): boolean {
  const req = WORKSPACE_TABS.find((t) => t.id === tab)!.requires;
  if (req === null) return true;
  if (req === "data") return status !== "no-data";
  return status === "trained";
}
