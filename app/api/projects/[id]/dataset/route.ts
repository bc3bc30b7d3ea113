import { getDatasetView } from "@/lib/server/datasets";
import { handler } from "@/lib/server/http";

export const GET = handler({}, async ({ user, params, locale }) => ({ dataset: await getDatasetView(user!.id, params.id, locale) }));
