import { NextResponse } from "next/server";
import { handler } from "@/lib/server/http";
import { listModelVersions, saveModelVersion } from "@/lib/server/models";

export const GET = handler({}, async ({ user, params }) => ({ versions: await listModelVersions(user!.id, params.id) }));

/** The body is the model bundle produced by the trainer (lib/ml/bundle.ts), streamed. */
export const POST = handler({ rawBody: true }, async ({ req, user, params, locale }) =>
  NextResponse.json({ version: await saveModelVersion(user!.id, params.id, req.body, locale) }, { status: 201 }),
);
