import "server-only";
import { ipv6Groups, isListedProxy, normaliseAddress, trustedProxiesFromEnv, type TrustedProxies } from "./trusted-proxies.mjs";

/**
 * Who sent a request, and how it reached us: the one place that reads X-Forwarded-For,
 * X-Forwarded-Proto and X-Forwarded-Host. scripts/server.mjs puts the TCP peer's address into
 * PEER_HEADER on every request (overwriting any client-sent value); forwarded headers are believed
 * only when that peer is a proxy configured in STUDIO_TRUSTED_PROXIES (lib/server/trusted-proxies.mjs),
 * because anyone else can write whatever they like into them.
 */
export const PEER_HEADER = "x-studio-peer";

/** The identity of requests whose peer is not known (served without scripts/server.mjs, e.g. route tests). */
export const UNKNOWN_CLIENT = "unknown";

let warnedNoPeer = false;

function peerOf(headers: Headers): { present: boolean; address: string } {
  const raw = headers.get(PEER_HEADER);
  if (raw === null && !warnedNoPeer && process.env.NODE_ENV === "production") {
    warnedNoPeer = true;
    console.warn(`[client-address] requests carry no ${PEER_HEADER}: serve the studio through scripts/server.mjs (npm start), or per-client limits cannot tell clients apart.`);
  }
  return { present: raw !== null, address: normaliseAddress(raw) };
}

/**
 * Whether the request came from a trusted proxy. With a number of hops every peer is a proxy
 * (also an unknown one: the setting says there is always a proxy in front); with a list, only a
 * peer on it.
 */
function fromTrustedProxy(headers: Headers, config: TrustedProxies = trustedProxiesFromEnv()): boolean {
  if (config.hops > 0) return true;
  const peer = peerOf(headers);
  return peer.present && isListedProxy(config, peer.address);
}

function firstValue(header: string | null): string {
  return header?.split(",")[0]?.trim() ?? "";
}

/**
 * The client's IP address. Without trusted proxies: the TCP peer. With them: X-Forwarded-For read
 * from the right (the entry the nearest proxy appended) past the trusted hops or listed proxies;
 * entries further left were written by the client and are ignored. An entry that is not an IP
 * address falls back to the nearest valid one to its right (a proxy's own address).
 */
export function clientAddress(headers: Headers): string {
  const config = trustedProxiesFromEnv();
  const peer = peerOf(headers);
  if (!fromTrustedProxy(headers, config)) return peer.address || UNKNOWN_CLIENT;
  const header = headers.get("x-forwarded-for");
  const chain = [...(header ? header.split(",").map((entry) => normaliseAddress(entry)) : []), peer.address];
  let index: number;
  if (config.hops > 0) {
    index = Math.max(0, chain.length - 1 - config.hops);
  } else {
    index = chain.length - 1;
    while (index > 0 && isListedProxy(config, chain[index])) index--;
  }
  for (let i = index; i < chain.length; i++) if (chain[i]) return chain[i];
  return UNKNOWN_CLIENT;
}

/**
 * The key per-client limits count under: the client's address, an IPv6 client as its /64 network
 * (one household or server usually holds a whole /64, so single IPv6 addresses are free to rotate).
 */
export function clientLimitKey(address: string): string {
  if (!address.includes(":")) return address;
  const groups = ipv6Groups(address).slice(0, 4);
  return `${groups.map((g) => g.toString(16)).join(":")}::/64`;
}

/**
 * Whether the browser reached the studio over https. scripts/server.mjs speaks plain HTTP, so
 * behind it only a trusted proxy's X-Forwarded-Proto can say so; without a peer header (route
 * tests, another server) the request URL's scheme is used.
 */
export function requestIsSecure(headers: Headers, url: URL): boolean {
  if (fromTrustedProxy(headers)) return firstValue(headers.get("x-forwarded-proto")).toLowerCase() === "https";
  if (!headers.has(PEER_HEADER)) return url.protocol === "https:";
  return false;
}

/** The host the browser asked for: a trusted proxy's X-Forwarded-Host, else the Host header. */
export function requestHost(headers: Headers): string | null {
  if (fromTrustedProxy(headers)) return firstValue(headers.get("x-forwarded-host")) || headers.get("host");
  return headers.get("host");
}
