import { requireUser } from "@/lib/server/session";

// Every page under the studio needs a session; each project page also checks ownership itself.
export default async function StudioLayout({ children }: { children: React.ReactNode }) {
  await requireUser();
  return <>{children}</>;
}
