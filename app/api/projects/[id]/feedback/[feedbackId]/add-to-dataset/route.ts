import { handler } from "@/lib/server/http";
import { addFeedbackToDataset } from "@/lib/server/monitoring";

export const POST = handler({}, async ({ user, params }) => addFeedbackToDataset(user!.id, params.id, params.feedbackId));
