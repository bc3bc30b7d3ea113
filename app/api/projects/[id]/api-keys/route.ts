import { NextResponse } from "next/server";
import { createApiKeySchema } from "@/lib/schemas/api-key";
import { createApiKey, listApiKeys } from "@/lib/server/api-keys";
import { handler } from "@/lib/server/http";

export const GET = handler({}, async ({ user, params }) => listApiKeys(user!.id, params.id));

/** The full key is in this answer only; the server keeps its SHA-256. */
export const POST = handler({ schema: createApiKeySchema }, async ({ user, params, input }) =>
  NextResponse.json(await createApiKey(user!.id, params.id, input.name), { status: 201, headers: { "cache-control": "no-store" } }),
);
