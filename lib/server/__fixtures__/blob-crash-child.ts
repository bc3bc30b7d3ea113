/*
 * A studio server process in miniature, for blob-crash.test.ts: it calls the real route handlers
 * on the data folder and database named by DATA_DIR / DATABASE_URL, and is killed with SIGKILL by
 * the test in the middle of a streamed request. Run with
 *   node --conditions=react-server --import tsx lib/server/__fixtures__/blob-crash-child.ts <mode>
 * Modes:
 *   setup            signs up, creates a text project, uploads a small CSV completely (a pending
 *                    table upload) and prints {cookie, projectId, uploadId} as JSON
 *   upload|bundle    streams an endless body into the upload / model bundle route; prints
 *                    "STREAMING" once a few chunks have gone to disk, then keeps going slowly
 *   start            runs the server's start-up hook (instrumentation.ts register()), waits for
 *                    the garbage collection it began, and exits
 */
import { NextRequest } from "next/server";

type Route = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const ORIGIN = "http://localhost:3000";

async function call(route: Route, path: string, init: { body?: BodyInit; json?: unknown; cookie?: string; params?: Record<string, string> }) {
  const headers: Record<string, string> = { host: "localhost:3000", "x-studio-peer": "127.0.0.1" };
  if (init.cookie) headers.cookie = init.cookie;
  if (init.json !== undefined) headers["content-type"] = "application/json";
  const req = new NextRequest(`${ORIGIN}${path}`, {
    method: "POST",
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    ...(init.body ? { duplex: "half" } : {}),
  } as ConstructorParameters<typeof NextRequest>[1]);
  return route(req, { params: Promise.resolve(init.params ?? {}) });
}

/** An endless body: a CSV header, then 64 KB chunks, fast at first, then one every 50 ms. */
function endlessBody(first: Uint8Array): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode(`${"some text,label\n".repeat(4096)}`);
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent === 0) controller.enqueue(first);
      else {
        if (sent > 16) await new Promise((r) => setTimeout(r, 50));
        controller.enqueue(chunk);
      }
      sent++;
      // The route has read (and written) what came before this pull.
      if (sent === 20) process.stdout.write("STREAMING\n");
    },
  });
}

async function main() {
  const mode = process.argv[2];
  if (mode === "setup") {
    const { POST: signUp } = await import("@/app/api/auth/signup/route");
    const { POST: createProject } = await import("@/app/api/projects/route");
    const { POST: upload } = await import("@/app/api/projects/[id]/uploads/route");
    const signed = await call(signUp as Route, "/api/auth/signup", { json: { email: `crash-${Date.now()}@example.test`, password: "studio-pass-1" } });
    const cookie = signed.headers.get("set-cookie")!.split(";")[0];
    const created = await call(createProject as Route, "/api/projects", {
      json: { name: "Crash test", scene: "text-classification", modelType: "ngram-bag", interfaces: ["chat"] },
      cookie,
    });
    const projectId = ((await created.json()) as { project: { id: string } }).project.id;
    const up = await call(upload as Route, `/api/projects/${projectId}/uploads?name=complete.csv`, {
      body: new Blob(["text,label\ngood phone,pos\nbad phone,neg\n"]),
      cookie,
      params: { id: projectId },
    });
    const uploadId = ((await up.json()) as { uploadId: string }).uploadId;
    process.stdout.write(`${JSON.stringify({ cookie, projectId, uploadId })}\n`);
    return;
  }
  if (mode === "upload" || mode === "bundle") {
    const cookie = process.env.CRASH_COOKIE!;
    const projectId = process.env.CRASH_PROJECT!;
    const route =
      mode === "upload" ? ((await import("@/app/api/projects/[id]/uploads/route")).POST as Route) : ((await import("@/app/api/projects/[id]/models/route")).POST as Route);
    const path = mode === "upload" ? `/api/projects/${projectId}/uploads?name=huge.csv` : `/api/projects/${projectId}/models`;
    const res = await call(route, path, { body: endlessBody(new TextEncoder().encode("text,label\n")), cookie, params: { id: projectId } });
    process.stdout.write(`FINISHED ${res.status}\n`); // not reached: the test kills this process first
    return;
  }
  if (mode === "start") {
    process.env.NEXT_RUNTIME = "nodejs";
    const { register } = await import("@/instrumentation");
    await register();
    await (await import("@/lib/server/maintenance")).firstGarbageCollection();
    process.stdout.write("STARTED\n");
    process.exit(0);
  }
  throw new Error(`unknown mode ${mode}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
