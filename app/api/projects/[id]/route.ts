import { updateProjectSchema } from "@/lib/schemas/project";
import { deleteProject, getOwnedProject, updateProject } from "@/lib/server/projects";
import { handler } from "@/lib/server/http";

export const GET = handler({}, async ({ user, params }) => ({ project: await getOwnedProject(user!.id, params.id) }));

export const PATCH = handler({ schema: updateProjectSchema }, async ({ user, params, input }) => ({
  project: await updateProject(user!.id, params.id, input),
}));

export const DELETE = handler({}, async ({ user, params }) => {
  await deleteProject(user!.id, params.id);
  return { ok: true };
});
