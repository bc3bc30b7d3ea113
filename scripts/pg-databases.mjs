// Creating and dropping whole PostgreSQL databases through an admin connection, for the test runs
// (tests/global-setup.ts, tests/worker-setup.ts), the multi-replica test (e2e/replicas/prepare.mjs)
// and the API benchmark. Names are checked: they go into SQL as identifiers.
import pg from "pg";

function checkName(name) {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected database name "${name}"`);
  return name;
}

/** `adminUrl` with its database replaced by `name`. */
export function databaseUrlFor(adminUrl, name) {
  const u = new URL(adminUrl);
  u.pathname = `/${checkName(name)}`;
  return u.toString();
}

async function withAdmin(adminUrl, fn) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates database `name` (a copy of `template` when given) and returns its URL. `replace` drops
 * one of that name first; otherwise an existing one is kept as it is.
 */
export async function createDatabase(adminUrl, name, { template, replace = false } = {}) {
  checkName(name);
  if (template) checkName(template);
  await withAdmin(adminUrl, async (client) => {
    if (replace) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    else if ((await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount) return;
    await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
  });
  return databaseUrlFor(adminUrl, name);
}

/** Drops `name` and every database whose name starts with `${name}_w` (the test workers' copies). */
export async function dropDatabase(adminUrl, name, { withCopies = false } = {}) {
  checkName(name);
  await withAdmin(adminUrl, async (client) => {
    const copies = withCopies ? (await client.query("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${name}\\_w%`])).rows.map((r) => r.datname) : [];
    for (const n of [...copies, name]) await client.query(`DROP DATABASE IF EXISTS "${checkName(n)}" WITH (FORCE)`);
  });
}
