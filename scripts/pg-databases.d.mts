export function databaseUrlFor(adminUrl: string, name: string): string;
export function createDatabase(adminUrl: string, name: string, opts?: { template?: string; replace?: boolean }): Promise<string>;
export function dropDatabase(adminUrl: string, name: string, opts?: { withCopies?: boolean }): Promise<void>;
