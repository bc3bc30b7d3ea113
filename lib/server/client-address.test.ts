import { afterEach, describe, expect, it } from "vitest";
import { PEER_HEADER, UNKNOWN_CLIENT, clientAddress, clientLimitKey, requestHost, requestIsSecure } from "./client-address";
import { TrustedProxiesError, normaliseAddress, parseTrustedProxies } from "./trusted-proxies.mjs";

const before = process.env.STUDIO_TRUSTED_PROXIES;
afterEach(() => {
  if (before === undefined) delete process.env.STUDIO_TRUSTED_PROXIES;
  else process.env.STUDIO_TRUSTED_PROXIES = before;
});

const trust = (value: string | undefined) => {
  if (value === undefined) delete process.env.STUDIO_TRUSTED_PROXIES;
  else process.env.STUDIO_TRUSTED_PROXIES = value;
};
const headers = (h: Record<string, string>) => new Headers(h);

describe("STUDIO_TRUSTED_PROXIES", () => {
  it.each([
    [undefined, 0],
    ["", 0],
    ["0", 0],
    [" 2 ", 2],
  ])("%j is a number of hops (%d)", (value, hops) => {
    expect(parseTrustedProxies(value)).toMatchObject({ hops, list: null });
  });

  it("a list of addresses and networks", () => {
    const config = parseTrustedProxies("127.0.0.1, 10.0.0.0/8, ::1, fd00::/8, ::ffff:192.0.2.1");
    expect(config.hops).toBe(0);
    expect(config.list!.check("10.200.3.4", "ipv4")).toBe(true);
    expect(config.list!.check("192.0.2.1", "ipv4")).toBe(true);
    expect(config.list!.check("fd12::1", "ipv6")).toBe(true);
    expect(config.list!.check("11.0.0.1", "ipv4")).toBe(false);
  });

  it.each(["10.0.0.0/33", "10.0.0.1/8/1", "localhost", "1.2.3", "fd00::/129", "17", "10.0.0.1,", "10.0.0.1;10.0.0.2", "-1"])(
    "refuses %j with a message that says what to write",
    (value) => {
      expect(() => parseTrustedProxies(value)).toThrow(TrustedProxiesError);
      expect(() => parseTrustedProxies(value)).toThrow(/STUDIO_TRUSTED_PROXIES/);
    },
  );
});

describe("normaliseAddress", () => {
  it.each([
    ["203.0.113.9", "203.0.113.9"],
    [" 203.0.113.9:5123 ", "203.0.113.9"],
    ["::ffff:127.0.0.1", "127.0.0.1"],
    ["[2001:DB8:0:0::1]:443", "2001:db8::1"],
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["fe80::1%eth0", "fe80::1"],
    ["unknown", ""],
    ["_hidden", ""],
    ["999.1.1.1", ""],
    ["", ""],
  ])("%j → %j", (raw, expected) => {
    expect(normaliseAddress(raw)).toBe(expected);
  });
});

describe("clientAddress", () => {
  it("is the TCP peer when no proxy is trusted, whatever the forwarded headers say", () => {
    trust(undefined);
    const h = headers({ [PEER_HEADER]: "::ffff:198.51.100.4", "x-forwarded-for": "1.2.3.4", "x-real-ip": "5.6.7.8", forwarded: "for=9.9.9.9" });
    expect(clientAddress(h)).toBe("198.51.100.4");
    expect(clientAddress(headers({ "x-forwarded-for": "1.2.3.4" }))).toBe(UNKNOWN_CLIENT);
  });

  it("with hops, reads X-Forwarded-For from the right past that many proxies", () => {
    trust("1");
    // The proxy appended the address it saw; what the client wrote further left is ignored.
    expect(clientAddress(headers({ [PEER_HEADER]: "10.0.0.1", "x-forwarded-for": "6.6.6.6, 198.51.100.4" }))).toBe("198.51.100.4");
    // Next.js adds the peer itself when nothing was forwarded.
    expect(clientAddress(headers({ [PEER_HEADER]: "10.0.0.1" }))).toBe("10.0.0.1");
    trust("2");
    expect(clientAddress(headers({ [PEER_HEADER]: "10.0.0.2", "x-forwarded-for": "6.6.6.6, 198.51.100.4, 10.0.0.1" }))).toBe("198.51.100.4");
    // Fewer entries than hops: the leftmost there is.
    expect(clientAddress(headers({ [PEER_HEADER]: "10.0.0.2", "x-forwarded-for": "198.51.100.4" }))).toBe("198.51.100.4");
  });

  it("with a list, walks from the right past the listed proxies", () => {
    trust("10.0.0.0/8, ::1");
    expect(clientAddress(headers({ [PEER_HEADER]: "::1", "x-forwarded-for": "6.6.6.6, 198.51.100.4, 10.1.1.1" }))).toBe("198.51.100.4");
    // A peer that is not listed is the client, whatever it forwards.
    expect(clientAddress(headers({ [PEER_HEADER]: "198.51.100.9", "x-forwarded-for": "6.6.6.6" }))).toBe("198.51.100.9");
    // A garbage entry written by a listed proxy falls back to that proxy's own address.
    expect(clientAddress(headers({ [PEER_HEADER]: "10.0.0.1", "x-forwarded-for": "unknown" }))).toBe("10.0.0.1");
    // Only proxies all the way: the leftmost.
    expect(clientAddress(headers({ [PEER_HEADER]: "10.0.0.1", "x-forwarded-for": "10.0.0.3, 10.0.0.2" }))).toBe("10.0.0.3");
  });

  it("groups an IPv6 client by its /64 network for limits", () => {
    expect(clientLimitKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientLimitKey("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(clientLimitKey("::1")).toBe("0:0:0:0::/64");
    expect(clientLimitKey("198.51.100.4")).toBe("198.51.100.4");
    expect(clientLimitKey(UNKNOWN_CLIENT)).toBe(UNKNOWN_CLIENT);
  });
});

describe("requestIsSecure and requestHost", () => {
  const url = new URL("http://127.0.0.1:3000/api/x");
  it("believe X-Forwarded-Proto and -Host only from a trusted proxy", () => {
    trust(undefined);
    const h = headers({ [PEER_HEADER]: "198.51.100.4", "x-forwarded-proto": "https", "x-forwarded-host": "evil.example", host: "studio.example" });
    expect(requestIsSecure(h, url)).toBe(false);
    expect(requestHost(h)).toBe("studio.example");
    trust("198.51.100.0/24");
    expect(requestIsSecure(h, url)).toBe(true);
    expect(requestHost(h)).toBe("evil.example");
    expect(requestIsSecure(headers({ [PEER_HEADER]: "198.51.100.4", "x-forwarded-proto": "https, http" }), url)).toBe(true);
    expect(requestHost(headers({ [PEER_HEADER]: "198.51.100.4", host: "internal:3000" }))).toBe("internal:3000");
  });

  it("without a peer header (not served by scripts/server.mjs) fall back to the request URL", () => {
    trust(undefined);
    expect(requestIsSecure(headers({ "x-forwarded-proto": "https" }), url)).toBe(false);
    expect(requestIsSecure(headers({}), new URL("https://studio.example/api/x"))).toBe(true);
  });
});
