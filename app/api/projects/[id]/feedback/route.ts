import { NextResponse } from "next/server";
import { feedbackSchema } from "@/lib/schemas/monitoring";
import { handler } from "@/lib/server/http";
import { recordFeedback } from "@/lib/server/monitoring";

export const POST = handler({ schema: feedbackSchema }, async ({ user, params, input }) =>
  NextResponse.json({ feedback: await recordFeedback(user!.id, params.id, input) }, { status: 201 }),
);
