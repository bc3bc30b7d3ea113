import { chatSettingsSchema } from "@/lib/schemas/dataset";
import { handler } from "@/lib/server/http";
import { getChatSettings, setChatSettings } from "@/lib/server/projects";

/** The settings and the user's entity models that may fill reply templates. */
export const GET = handler({}, async ({ user, params }) => getChatSettings(user!.id, params.id));

export const PUT = handler({ schema: chatSettingsSchema }, async ({ user, params, input }) => ({ settings: await setChatSettings(user!.id, params.id, input) }));
