import { NextResponse } from "next/server";
import { predictionEventSchema } from "@/lib/schemas/monitoring";
import { handler } from "@/lib/server/http";
import { recordPlaygroundEvent } from "@/lib/server/monitoring";

/** The Playground reports each answer here, fire-and-forget, after showing it. */
export const POST = handler({ schema: predictionEventSchema }, async ({ user, params, input }) =>
  NextResponse.json(await recordPlaygroundEvent(user!.id, params.id, input), { status: 201 }),
);
