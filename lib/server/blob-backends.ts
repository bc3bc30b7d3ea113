import "server-only";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { dataDir } from "./db-url.mjs";

/**
 * Where finished blobs live: the local disk (DATA_DIR/blobs, the default) or an S3-compatible
 * object store (STUDIO_S3_BUCKET set). Keys are the SHA-256 of the bytes, so an object never
 * changes once written. Uploads are always staged in a local temporary file first (hashed, checked
 * and parsed there), then placed: renamed on disk, or uploaded and removed for S3.
 */
export interface BlobBackend {
  readonly kind: "disk" | "s3";
  /** Stores the finished temporary file `tmp` as `id` (the file is consumed). Leaves the blob fresh. */
  place(tmp: string, id: string, size: number, mime: string): Promise<void>;
  /** Makes an existing blob fresh for the garbage collector; false when it does not exist. */
  touch(id: string): Promise<boolean>;
  read(id: string): Promise<Buffer>;
  /** The blob as a stream (never whole in memory) and its size. */
  open(id: string): Promise<{ stream: ReadableStream<Uint8Array>; size: number }>;
  remove(id: string): Promise<void>;
  /** Removes the blob unless it was written or touched at or after `cutoffMs`; true when removed. */
  removeIfOlder(id: string, cutoffMs: number, aside: () => Promise<string>): Promise<boolean>;
  /** Every stored blob with its last write time. */
  list(): AsyncGenerator<{ id: string; mtimeMs: number }>;
  /** Throws when the store cannot be used (readiness). */
  check(): Promise<void>;
}

export const BLOB_ID_RE = /^[0-9a-f]{64}$/;

export class BlobNotFoundError extends Error {
  constructor(id: string) {
    super(`blob ${id} not found`);
    this.name = "BlobNotFoundError";
  }
}

/* --------------------------------------------------------------------------------------- disk */

export function diskRoot(): string {
  return path.join(dataDir(), "blobs");
}

export function diskPath(id: string): string {
  return path.join(diskRoot(), id.slice(0, 2), id.slice(2, 4), id);
}

const notFoundOr = (id: string, e: unknown): never => {
  if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new BlobNotFoundError(id);
  throw e;
};

/** Blobs in files under `root()` (xx/yy/<sha256>). */
export function diskBackendAt(root: () => string): BlobBackend {
  const pathOf = (id: string) => path.join(root(), id.slice(0, 2), id.slice(2, 4), id);
  return {
    kind: "disk",
    async place(tmp, id) {
      // Always a rename, also over an existing copy: the file then carries a fresh modification
      // time, which keeps the garbage collector off it until the caller has created its row.
      const final = pathOf(id);
      await fsp.mkdir(path.dirname(final), { recursive: true });
      await fsp.rename(tmp, final);
    },
    async touch(id) {
      const now = new Date();
      try {
        await fsp.utimes(pathOf(id), now, now);
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
        throw e;
      }
    },
    async read(id) {
      return fsp.readFile(pathOf(id)).catch((e) => notFoundOr(id, e));
    },
    async open(id) {
      const file = pathOf(id);
      const stat = await fsp.stat(file).catch((e) => notFoundOr(id, e));
      return { stream: Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>, size: stat.size };
    },
    async remove(id) {
      await fsp.rm(pathOf(id), { force: true });
    },
    async removeIfOlder(id, cutoffMs, aside) {
      // Renamed aside first, so a writer touching it at the same moment either finds it gone (and
      // writes it again) or leaves it fresh (and it is put back).
      const final = pathOf(id);
      const tmp = await aside();
      try {
        await fsp.rename(final, tmp);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
        throw e;
      }
      if ((await fsp.stat(tmp)).mtimeMs >= cutoffMs) {
        await fsp.rename(tmp, final);
        return false;
      }
      await fsp.rm(tmp, { force: true });
      return true;
    },
    async *list() {
      const base = root();
      const dirs = async (dir: string) =>
        (await fsp.readdir(dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory() && /^[0-9a-f]{2}$/.test(e.name));
      for (const a of await dirs(base)) {
        for (const b of await dirs(path.join(base, a.name))) {
          const dir = path.join(base, a.name, b.name);
          for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
            if (!BLOB_ID_RE.test(name) || !name.startsWith(a.name + b.name)) continue;
            const stat = await fsp.stat(path.join(dir, name)).catch(() => null);
            if (stat?.isFile()) yield { id: name, mtimeMs: stat.mtimeMs };
          }
        }
      }
    },
    async check() {
      await fsp.mkdir(root(), { recursive: true });
      await fsp.access(root(), fs.constants.W_OK);
    },
  };
}

/** The local disk backend of this install: DATA_DIR/blobs. */
export const diskBackend: BlobBackend = diskBackendAt(diskRoot);

/* ----------------------------------------------------------------------------------------- S3 */

export interface S3Settings {
  bucket: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  prefix: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** The S3 settings from the environment, or null when STUDIO_S3_BUCKET is not set. */
export function s3SettingsFromEnv(env: Record<string, string | undefined> = process.env): S3Settings | null {
  const bucket = env.STUDIO_S3_BUCKET?.trim();
  if (!bucket) return null;
  const endpoint = env.STUDIO_S3_ENDPOINT?.trim() || undefined;
  if (endpoint && !/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) {
    throw new Error(`STUDIO_S3_ENDPOINT must be a URL like https://s3.example.com or http://127.0.0.1:9000 (got "${endpoint}").`);
  }
  const prefix = env.STUDIO_S3_PREFIX?.trim() ?? "";
  if (prefix && !/^[A-Za-z0-9!_.*'()/-]*\/$/.test(prefix)) throw new Error(`STUDIO_S3_PREFIX must end with "/" and hold only safe key characters (got "${prefix}").`);
  return {
    bucket,
    endpoint,
    region: env.STUDIO_S3_REGION?.trim() || "us-east-1",
    // Self-hosted stores (SeaweedFS, Garage, MinIO) usually want path-style addresses.
    forcePathStyle: env.STUDIO_S3_FORCE_PATH_STYLE ? env.STUDIO_S3_FORCE_PATH_STYLE === "true" : !!endpoint,
    prefix,
    accessKeyId: env.STUDIO_S3_ACCESS_KEY_ID || undefined,
    secretAccessKey: env.STUDIO_S3_SECRET_ACCESS_KEY || undefined,
  };
}

const isMissing = (e: unknown) => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === "NoSuchKey" || err.name === "NotFound" || err.$metadata?.httpStatusCode === 404;
};

export function s3Backend(settings: S3Settings, client?: S3Client): BlobBackend {
  const s3 =
    client ??
    new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      // Plain bodies: the SDK's default streams uploads as aws-chunked with trailing checksums,
      // which several S3-compatible stores do not understand (they would store the framing).
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      credentials: settings.accessKeyId && settings.secretAccessKey ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } : undefined,
    });
  const Bucket = settings.bucket;
  const keyOf = (id: string) => `${settings.prefix}blobs/${id}`;
  const put = (tmp: string, id: string, size: number, mime: string) =>
    s3.send(new PutObjectCommand({ Bucket, Key: keyOf(id), Body: fs.createReadStream(tmp), ContentLength: size, ContentType: mime }));

  const backend: BlobBackend = {
    kind: "s3",
    async place(tmp, id, size, mime) {
      // Content-addressed: writing the same bytes again is harmless and refreshes LastModified.
      try {
        await put(tmp, id, size, mime);
      } finally {
        await fsp.rm(tmp, { force: true });
      }
    },
    async touch() {
      // S3 cannot change an object's time without rewriting it, and the object is
      // content-addressed: the caller writes it again instead (see writeBlobFile).
      return false;
    },
    async read(id) {
      const { stream } = await backend.open(id);
      return Buffer.from(await new Response(stream).arrayBuffer());
    },
    async open(id) {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket, Key: keyOf(id) }));
        const body = out.Body as Readable & { transformToWebStream?: () => ReadableStream<Uint8Array> };
        const stream = body.transformToWebStream ? body.transformToWebStream() : (Readable.toWeb(body) as ReadableStream<Uint8Array>);
        return { stream, size: Number(out.ContentLength ?? 0) };
      } catch (e) {
        if (isMissing(e)) throw new BlobNotFoundError(id);
        throw e;
      }
    },
    async remove(id) {
      await s3.send(new DeleteObjectCommand({ Bucket, Key: keyOf(id) }));
    },
    async removeIfOlder(id, cutoffMs) {
      let modified: number;
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket, Key: keyOf(id) }));
        modified = head.LastModified?.getTime() ?? 0;
      } catch (e) {
        if (isMissing(e)) return false;
        throw e;
      }
      if (modified >= cutoffMs) return false;
      // S3 has no portable "delete if unmodified": a writer that stores these exact bytes again
      // within the milliseconds between the check and the delete would lose them. Blobs are only
      // collected an hour (STUDIO_BLOB_GC_GRACE_SECONDS) after nothing referenced them.
      await s3.send(new DeleteObjectCommand({ Bucket, Key: keyOf(id) }));
      return true;
    },
    async *list() {
      let token: string | undefined;
      const prefix = `${settings.prefix}blobs/`;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          const id = o.Key?.slice(prefix.length) ?? "";
          if (BLOB_ID_RE.test(id)) yield { id, mtimeMs: o.LastModified?.getTime() ?? 0 };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    async check() {
      await s3.send(new HeadBucketCommand({ Bucket }));
    },
  };
  return backend;
}

/* ------------------------------------------------------------------------------------ choice */

const g = globalThis as unknown as { __studioBlobBackend?: BlobBackend };

/** The configured backend: S3 when STUDIO_S3_BUCKET is set, else the local disk. */
export function blobBackend(): BlobBackend {
  if (g.__studioBlobBackend) return g.__studioBlobBackend;
  const s3 = s3SettingsFromEnv();
  return (g.__studioBlobBackend = s3 ? s3Backend(s3) : diskBackend);
}

/** Replaces the backend of this process (tests of one backend while the run uses another); null restores. */
export function useBlobBackend(backend: BlobBackend | null): void {
  g.__studioBlobBackend = backend ?? undefined;
}
