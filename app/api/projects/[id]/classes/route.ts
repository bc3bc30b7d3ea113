import { NextResponse } from "next/server";
import { addClassSchema } from "@/lib/schemas/dataset";
import { addClass } from "@/lib/server/datasets";
import { handler } from "@/lib/server/http";

export const POST = handler({ schema: addClassSchema }, async ({ user, params, input }) =>
  NextResponse.json(await addClass(user!.id, params.id, input.label), { status: 201 }),
);
