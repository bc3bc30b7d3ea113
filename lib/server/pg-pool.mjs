// A pg.Pool for Prisma's PostgreSQL driver adapter, shared by the runtime client and the Prisma
// CLI (prisma.config.ts). Through the adapter, `migrate deploy`, `db push` and `db pull` fail with
// "Column type 'name' could not be deserialized" (prisma/orm#27403): the schema engine's catalog
// queries return column types the adapter cannot map. The pool's clients report those columns as
// text (and text arrays, parsed), which the adapter understands; the app's own tables use none of
// these types, so its queries are unaffected.
import pg from "pg";

const AS_TEXT = new Set([
  18, // "char"
  19, // name
  24, // regproc
  194, // pg_node_tree
  2205, // regclass
  2206, // regtype
]);
const AS_TEXT_ARRAY = new Set([
  1002, // "char"[]
  1003, // name[]
]);
const TEXT = 25;
const TEXT_ARRAY = 1009;
const parseTextArray = pg.types.getTypeParser(TEXT_ARRAY);

function retag(result) {
  for (const res of Array.isArray(result) ? result : [result]) {
    const fields = res?.fields ?? [];
    fields.forEach((field, i) => {
      if (AS_TEXT.has(field.dataTypeID)) field.dataTypeID = TEXT;
      else if (AS_TEXT_ARRAY.has(field.dataTypeID)) {
        field.dataTypeID = TEXT_ARRAY;
        // pg has no parser for these arrays and left the literal ("{a,b}") as it came.
        for (const row of res.rows ?? []) {
          const key = Array.isArray(row) ? i : field.name;
          if (typeof row[key] === "string") row[key] = parseTextArray(row[key]);
        }
      }
    });
  }
  return result;
}

/**
 * PostgreSQL text cannot hold the NUL character (U+0000): a label or a sample text with one (a
 * JSONL upload can carry "\u0000") made the whole write fail ("invalid byte sequence for encoding
 * UTF8: 0x00"). It is invisible and means nothing in text, so on PostgreSQL it is dropped from
 * every string parameter (SQLite keeps it). Binary values are Buffers and untouched.
 */
function withoutNul(values) {
  if (!Array.isArray(values) || !values.some((v) => typeof v === "string" && v.includes("\u0000"))) return values;
  return values.map((v) => (typeof v === "string" ? v.replaceAll("\u0000", "") : v));
}

class CatalogTolerantClient extends pg.Client {
  query(config, values, callback) {
    // Submittables (cursors, streams) and pg's own calls pass through untouched.
    if (config && typeof config.submit === "function") return super.query(config, values, callback);
    if (config && typeof config === "object" && Array.isArray(config.values)) {
      const clean = withoutNul(config.values);
      if (clean !== config.values) config = { ...config, values: clean };
    }
    if (Array.isArray(values)) values = withoutNul(values);
    const cb = typeof values === "function" ? values : callback;
    if (cb) {
      const wrapped = (err, res) => cb(err, err ? res : retag(res));
      return typeof values === "function" ? super.query(config, wrapped) : super.query(config, values, wrapped);
    }
    return super.query(config, values).then(retag);
  }
}

export function createPgPool(connectionString, opts = {}) {
  const size = Number(process.env.STUDIO_PG_POOL_SIZE);
  return new pg.Pool({ connectionString, max: size > 0 ? size : 10, ...opts, Client: CatalogTolerantClient });
}
