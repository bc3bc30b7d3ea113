import { chatSettingsSchema } from "@/lib/schemas/dataset";
import { handler } from "@/lib/server/http";
import { getChatSettings, setChatSettings } from "@/lib/server/projects";

export const GET = handler({}, async ({ user, params }) => ({ settings: await getChatSettings(user!.id, params.id) }));

export const PUT = handler({ schema: chatSettingsSchema }, async ({ user, params, input }) => ({ settings: await setChatSettings(user!.id, params.id, input) }));
