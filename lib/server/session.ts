import "server-only";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { SESSION_COOKIE, userFromSessionToken, type SessionUser } from "./auth";
import { AppError } from "./errors";
import { getOwnedProject, type ProjectSummary } from "./projects";

/** For server components: the signed-in user, or null. */
export async function getSessionUser(): Promise<SessionUser | null> {
  return userFromSessionToken((await cookies()).get(SESSION_COOKIE)?.value);
}

/** For studio pages: the signed-in user, or a redirect to sign-in that comes back afterwards. */
export async function requireUser(returnTo = "/projects"): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect(`/signin?next=${encodeURIComponent(returnTo)}`);
  return user;
}

/** For project pages: the project if the user owns it, else the 404 page. */
export async function requireOwnedProject(projectId: string): Promise<{ user: SessionUser; project: ProjectSummary }> {
  const user = await requireUser(`/projects/${encodeURIComponent(projectId)}`);
  try {
    return { user, project: await getOwnedProject(user.id, projectId) };
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  }
}
