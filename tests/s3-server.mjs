// An S3-protocol server for tests, CI and benchmarks: s3rver (a devDependency) in this process,
// with its objects in a temporary folder. Debian packages no S3 server; production uses a real one
// (docs/DEPLOY.md). `node tests/s3-server.mjs` runs one in the foreground and prints its settings.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";

/** Starts a server with `bucket`; resolves to its settings (as STUDIO_S3_* variables) and close(). */
export async function startS3Server({ bucket = "studio", port = 0, address = "127.0.0.1" } = {}) {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "studio-s3-"));
  const server = new S3rver({ port, address, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const info = await server.run();
  const endpoint = `http://${address}:${info.port}`;
  return {
    env: {
      STUDIO_S3_BUCKET: bucket,
      STUDIO_S3_ENDPOINT: endpoint,
      STUDIO_S3_REGION: "us-east-1",
      STUDIO_S3_ACCESS_KEY_ID: "S3RVER",
      STUDIO_S3_SECRET_ACCESS_KEY: "S3RVER",
      STUDIO_S3_FORCE_PATH_STYLE: "true",
    },
    directory,
    close: async () => {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.S3_PORT ?? 9000);
  const s3 = await startS3Server({ port, bucket: process.env.S3_BUCKET ?? "studio" });
  for (const [k, v] of Object.entries(s3.env)) console.log(`${k}=${v}`);
  const stop = () => s3.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
