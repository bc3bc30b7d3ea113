"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/** The origin this page is at, as the browser knows it; "" while rendering on the server. */
export function useBrowserOrigin(): string {
  return useSyncExternalStore(subscribe, () => window.location.origin, () => "");
}

/**
 * The studio's address for links and code shown to others (share links, embed and API snippets):
 * the configured STUDIO_PUBLIC_URL when there is one, else the address the browser is at. Never a
 * request header, which whoever sends the request chooses.
 */
export function usePublicOrigin(configured: string | null): string {
  const browser = useBrowserOrigin();
  return configured ?? browser;
}
