import { handler } from "@/lib/server/http";
import { getTrainingData } from "@/lib/server/training-data";

export const GET = handler({}, async ({ user, params }) => getTrainingData(user!.id, params.id));
