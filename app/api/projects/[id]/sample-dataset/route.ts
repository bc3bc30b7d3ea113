import { NextResponse } from "next/server";
import { loadSampleDataset } from "@/lib/server/datasets";
import { handler } from "@/lib/server/http";

export const POST = handler({}, async ({ user, params, locale }) => {
  const result = await loadSampleDataset(user!.id, params.id, locale);
  return NextResponse.json(result, { status: result.kind === "rejected" ? 422 : 201 });
});
