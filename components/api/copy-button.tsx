"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";

/** Copies `text` to the clipboard and says so for two seconds. */
export function CopyButton({ text, label, testId }: { text: string; label?: string; testId?: string }) {
  const t = useTranslations("api");
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const id = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(id);
  }, [state]);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed"); // e.g. an insecure origin: the text is on screen to select by hand
    }
  }
  return (
    <Button size="sm" variant="secondary" onClick={() => void copy()} data-testid={testId}>
      <span aria-live="polite">{state === "copied" ? t("copied") : state === "failed" ? t("copyFailed") : (label ?? t("copy"))}</span>
    </Button>
  );
}
