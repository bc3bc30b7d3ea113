export type ProjectStatusId = "no-data" | "data-ready" | "trained";
