import { repliesSchema } from "@/lib/schemas/dataset";
import { setReplies } from "@/lib/server/datasets";
import { handler } from "@/lib/server/http";

export const PUT = handler({ schema: repliesSchema }, async ({ user, params, input }) => setReplies(user!.id, params.id, input.replies));
