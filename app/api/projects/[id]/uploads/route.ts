import { NextResponse } from "next/server";
import { handleUpload } from "@/lib/server/datasets";
import { handler } from "@/lib/server/http";

/**
 * POST the raw file as the body: `?name=<file name>` (display only) and, for a single image or
 * clip, `&label=<class>`. The body is streamed to disk and stopped at the size limit.
 */
export const POST = handler({ rawBody: true }, async ({ req, user, params, locale }) => {
  const url = req.nextUrl;
  const result = await handleUpload(user!.id, params.id, req.body, {
    fileName: url.searchParams.get("name") ?? "upload",
    label: url.searchParams.get("label") ?? undefined,
    format: url.searchParams.get("format") ?? undefined,
    locale,
    // a client that goes away drops its queued parse (or stops it)
    signal: req.signal,
  });
  return NextResponse.json(result, { status: result.kind === "rejected" ? 422 : result.kind === "imported" ? 201 : 200 });
});
