import type { BlockList } from "node:net";

export interface TrustedProxies {
  /** Number of proxies in front of the studio (0: none, or a list is used instead). */
  hops: number;
  /** Addresses and networks of the trusted proxies, or null. */
  list: BlockList | null;
}
export const TRUSTED_PROXIES_ENV: "STUDIO_TRUSTED_PROXIES";
export function normaliseAddress(raw: string | null | undefined): string;
export function ipv6Groups(address: string): number[];
export class TrustedProxiesError extends Error {}
export function parseTrustedProxies(value: string | null | undefined): TrustedProxies;
export function isListedProxy(config: TrustedProxies, address: string): boolean;
export function trustedProxiesFromEnv(): TrustedProxies;
