import type { Pool, PoolConfig } from "pg";
export function createPgPool(connectionString: string, opts?: PoolConfig): Pool;
