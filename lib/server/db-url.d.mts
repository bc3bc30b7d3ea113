export function dataDir(): string;
export function databaseProvider(): "sqlite" | "postgresql";
export function databaseUrl(): string;
