import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { AuthForm } from "@/components/auth/auth-form";
import { getSessionUser } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("auth"))("signUpTitle") };
}

export default async function SignUpPage() {
  if (await getSessionUser()) redirect("/projects");
  return <AuthForm mode="signup" />;
}
