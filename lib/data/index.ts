/**
 * lib/data: parsers and validators for every accepted training-data format. Pure TypeScript for the
 * browser, the server and the tests: inputs are Uint8Array / ArrayBuffer / string, never paths.
 */
export * from "./limits";
export * from "./issues";
export * from "./messages";
export * from "./input";
export * from "./encoding";
export * from "./table";
export * from "./csv";
export * from "./xlsx";
export * from "./jsonl";
export * from "./pasted";
export * from "./parse-table";
export * from "./column-names";
export * from "./tabular";
export * from "./mapping";
export * from "./entities";
export * from "./image";
export * from "./audio";
export * from "./audio-duration";
export * from "./zip";
export * from "./class-zip";
export * from "./quality";
export * from "./export";
export * from "./formats";
export * from "./samples";
