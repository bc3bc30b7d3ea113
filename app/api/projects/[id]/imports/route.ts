import { NextResponse } from "next/server";
import { importSchema } from "@/lib/schemas/dataset";
import { importTable } from "@/lib/server/datasets";
import { handler } from "@/lib/server/http";

export const POST = handler({ schema: importSchema }, async ({ req, user, params, input, locale }) => {
  const result = await importTable(user!.id, params.id, input, locale, req.signal);
  return NextResponse.json(result, { status: result.kind === "rejected" ? 422 : 201 });
});
