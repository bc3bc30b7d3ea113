import { NextResponse } from "next/server";
import { createProjectSchema } from "@/lib/schemas/project";
import { createProject, listProjects } from "@/lib/server/projects";
import { handler } from "@/lib/server/http";

export const GET = handler({}, async ({ user }) => ({ projects: await listProjects(user!.id) }));

export const POST = handler({ schema: createProjectSchema }, async ({ user, input }) =>
  NextResponse.json({ project: await createProject(user!.id, input) }, { status: 201 }),
);
