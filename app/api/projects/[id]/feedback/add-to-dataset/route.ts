import { bulkAddSchema } from "@/lib/schemas/monitoring";
import { handler } from "@/lib/server/http";
import { addManyToDataset } from "@/lib/server/monitoring";

/** Several wrong answers and/or low-confidence inputs (with a chosen label) at once. */
export const POST = handler({ schema: bulkAddSchema }, async ({ user, params, input }) => addManyToDataset(user!.id, params.id, input));
