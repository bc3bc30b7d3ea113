// Which proxies may tell the studio who the client is (X-Forwarded-For) and how it connected
// (X-Forwarded-Proto/-Host). Plain JavaScript so scripts/server.mjs can validate the setting before
// it serves anything; lib/server/client-address.ts applies it to each request.
//
//   STUDIO_TRUSTED_PROXIES unset, "" or "0" → no proxy: the TCP peer is the client (the default)
//   "1", "2", …                             → that many proxies in front of the studio, each of
//                                              which appends the address it saw to X-Forwarded-For
//   "127.0.0.1, 10.0.0.0/8, ::1, fd00::/8"   → proxies at these addresses or networks (CIDR)
import net from "node:net";

export const TRUSTED_PROXIES_ENV = "STUDIO_TRUSTED_PROXIES";
const MAX_HOPS = 16;

/**
 * One address in canonical text: brackets, a port and an IPv6 zone removed, an IPv4-mapped IPv6
 * address as plain IPv4, IPv6 in lower case and compressed. "" when it is not an IP address.
 */
export function normaliseAddress(raw) {
  let s = String(raw ?? "").trim();
  if (s.startsWith("[")) {
    const end = s.indexOf("]");
    if (end < 0) return "";
    s = s.slice(1, end);
  } else if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(s)) {
    s = s.slice(0, s.lastIndexOf(":"));
  }
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  const version = net.isIP(s);
  if (version === 4) return s;
  if (version !== 6) return "";
  const groups = ipv6Groups(s);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255].join(".");
  }
  // The URL parser prints IPv6 in its canonical compressed form.
  return new URL(`http://[${s}]/`).hostname.slice(1, -1);
}

/** The eight 16-bit groups of a valid IPv6 address (an embedded IPv4 tail included). */
export function ipv6Groups(address) {
  const parse = (part) =>
    part === ""
      ? []
      : part.split(":").flatMap((p) => {
          if (!p.includes(".")) return [parseInt(p, 16)];
          const [a, b, c, d] = p.split(".").map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const double = address.indexOf("::");
  if (double < 0) return parse(address);
  const head = parse(address.slice(0, double));
  const tail = parse(address.slice(double + 2));
  return [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
}

export class TrustedProxiesError extends Error {}

/**
 * Parses a STUDIO_TRUSTED_PROXIES value into `{ hops }` (a count; 0 = no proxy) or
 * `{ hops: 0, list }` (a net.BlockList of proxy addresses). Throws TrustedProxiesError with a
 * message that says what to write instead.
 */
export function parseTrustedProxies(value) {
  const raw = String(value ?? "").trim();
  if (raw === "") return { hops: 0, list: null };
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > MAX_HOPS) throw new TrustedProxiesError(`${TRUSTED_PROXIES_ENV}=${raw}: at most ${MAX_HOPS} proxies (hops) are supported.`);
    return { hops, list: null };
  }
  const list = new net.BlockList();
  for (const part of raw.split(",").map((p) => p.trim())) {
    const [address, prefix, extra] = part.split("/");
    const version = net.isIP(address ?? "");
    const bad = () =>
      new TrustedProxiesError(
        `${TRUSTED_PROXIES_ENV}: "${part}" is not an IP address or network. Use a number of proxies (e.g. 1) or a comma-separated list of addresses and CIDR networks (e.g. 127.0.0.1, 10.0.0.0/8, ::1).`,
      );
    if (!version || extra !== undefined) throw bad();
    const family = version === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) {
      const single = normaliseAddress(address);
      list.addAddress(single, net.isIPv4(single) ? "ipv4" : "ipv6");
    } else {
      if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (version === 4 ? 32 : 128)) throw bad();
      list.addSubnet(address, Number(prefix), family);
    }
  }
  return { hops: 0, list };
}

/** Whether `address` (already normalised) is one of the listed proxies. */
export function isListedProxy(config, address) {
  if (!config.list || !address) return false;
  return config.list.check(address, net.isIPv4(address) ? "ipv4" : "ipv6");
}

let cached = null;

/** The parsed setting from the environment, re-read when the variable changes (tests set it). */
export function trustedProxiesFromEnv() {
  const raw = process.env[TRUSTED_PROXIES_ENV];
  if (!cached || cached.raw !== raw) cached = { raw, config: parseTrustedProxies(raw) };
  return cached.config;
}
