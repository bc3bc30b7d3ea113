export function dataDir(): string;
export function databaseUrl(): string;
