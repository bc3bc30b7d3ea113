import { getTranslations } from "next-intl/server";
import { NewProjectWizard } from "@/components/projects/new-project-wizard";

export async function generateMetadata() {
  return { title: (await getTranslations("wizard"))("title") };
}

export default function NewProjectPage() {
  return <NewProjectWizard />;
}
