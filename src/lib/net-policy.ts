import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Classification of destination addresses for outbound requests (webhook SSRF protection).
 * - `loopback`: 127.0.0.0/8, ::1
 * - `private`: 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT), 198.18/15, fc00::/7 (ULA)
 * - `link_local`: 169.254/16 (cloud metadata lives here), fe80::/10
 * - `reserved`: unspecified, "this network" 0/8, multicast, 240/4, broadcast, 192.0.0/24, documentation ranges
 * - `public`: everything else
 * IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible and NAT64 (64:ff9b::/96) IPv6 addresses are classified by the IPv4
 * address they carry.
 */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link_local' | 'reserved';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a hostname to all its addresses. Injectable (deps.resolveHost) so tests need no DNS. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolveHost: ResolveHost = async (hostname) => {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : undefined;
}

/** Expands an IPv6 literal into its 8 16-bit groups (an embedded dotted IPv4 tail included). */
function parseIpv6(text: string): number[] | undefined {
  let s = text.toLowerCase().split('%')[0] ?? '';
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = v4;
    s = `${s.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (h: string) => (h === '' ? [] : h.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = toGroups(halves[0] ?? '');
  let groups = head;
  if (halves.length === 2) {
    const rest = toGroups(halves[1] ?? '');
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return undefined;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest];
  }
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) return undefined;
  return groups;
}

function classifyIpv4(b: number[]): AddressClass {
  const [a = 0, c = 0, d = 0] = b;
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && c >= 16 && c <= 31) || (a === 192 && c === 168)) return 'private';
  if (a === 100 && c >= 64 && c <= 127) return 'private';
  if (a === 198 && (c === 18 || c === 19)) return 'private';
  if (a === 169 && c === 254) return 'link_local';
  if (a === 0 || a >= 224) return 'reserved';
  if (a === 192 && c === 0 && (d === 0 || d === 2)) return 'reserved';
  if ((a === 198 && c === 51 && d === 100) || (a === 203 && c === 0 && d === 113)) return 'reserved';
  return 'public';
}

/** Classifies an IP literal; anything that is not an IP literal is `reserved` (refused everywhere). */
export function classifyAddress(address: string): AddressClass {
  const literal = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const version = isIP(literal.split('%')[0] ?? '');
  if (version === 4) {
    const b = parseIpv4(literal);
    return b ? classifyIpv4(b) : 'reserved';
  }
  if (version !== 6) return 'reserved';
  const g = parseIpv6(literal);
  if (!g) return 'reserved';
  const [g0 = 0, g1 = 0, , , , g5 = 0, g6 = 0, g7 = 0] = g;
  const embedded = () => classifyIpv4([g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff]);
  const zeroPrefix = g.slice(0, 5).every((x) => x === 0);
  if (zeroPrefix && g5 === 0xffff) return embedded(); // ::ffff:a.b.c.d
  if (g0 === 0x64 && g1 === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return embedded(); // NAT64
  if (g.every((x) => x === 0)) return 'reserved'; // ::
  if (g.slice(0, 7).every((x) => x === 0) && g7 === 1) return 'loopback'; // ::1
  if (zeroPrefix && g5 === 0) return embedded(); // deprecated IPv4-compatible ::a.b.c.d
  if ((g0 & 0xfe00) === 0xfc00) return 'private';
  if ((g0 & 0xffc0) === 0xfe80) return 'link_local';
  if ((g0 & 0xff00) === 0xff00) return 'reserved';
  if (g0 === 0x2001 && g1 === 0x0db8) return 'reserved'; // documentation
  return 'public';
}

export interface TargetPolicy {
  /** Address classes a destination may have. */
  allowed: ReadonlySet<AddressClass>;
}

const PUBLIC_ONLY = new Set<AddressClass>(['public']);
const LOCAL_DEVELOPMENT = new Set<AddressClass>(['public', 'loopback', 'private']);
const EVERYTHING_ROUTABLE = new Set<AddressClass>(['public', 'loopback', 'private', 'link_local']);

/**
 * Which destinations a webhook may target (decisions.md, "Webhook targets"):
 * - WEBHOOK_ALLOW_PRIVATE=true: any routable address, in both modes;
 * - unset: test mode allows loopback and private networks (local development) but not link-local;
 *   live mode allows public addresses only;
 * - WEBHOOK_ALLOW_PRIVATE=false: public addresses only, in both modes.
 */
export function targetPolicy(allowPrivate: boolean | undefined, livemode: boolean): TargetPolicy {
  if (allowPrivate === true) return { allowed: EVERYTHING_ROUTABLE };
  if (allowPrivate === undefined && !livemode) return { allowed: LOCAL_DEVELOPMENT };
  return { allowed: PUBLIC_ONLY };
}

export class TargetRefused extends Error {
  constructor(
    message: string,
    /** `unresolvable`: DNS gave no answer (may be temporary); `refused`: an address is outside the policy. */
    readonly kind: 'unresolvable' | 'refused' = 'refused',
  ) {
    super(message);
    this.name = 'TargetRefused';
  }
}

const DESCRIBE: Record<AddressClass, string> = {
  public: 'a public address',
  loopback: 'a loopback address',
  private: 'a private network address',
  link_local: 'a link-local address',
  reserved: 'a reserved, multicast or unspecified address',
};

/**
 * Resolves the URL's host and checks every address against the policy. Returns the addresses to connect to (the
 * caller pins the connection to them, so a second DNS answer cannot swap in another target). Throws TargetRefused
 * naming the reason. `localhost` and `*.localhost` are loopback without asking DNS.
 */
export async function checkTarget(url: URL, policy: TargetPolicy, resolveHost: ResolveHost): Promise<ResolvedAddress[]> {
  // A fully qualified name may end in a dot (`localhost.`): the same host.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname.replace(/\.+$/, '');
  let addresses: ResolvedAddress[];
  const version = isIP(host);
  if (version !== 0) {
    addresses = [{ address: host, family: version === 6 ? 6 : 4 }];
  } else if (host === 'localhost' || host.endsWith('.localhost')) {
    addresses = [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
  } else {
    try {
      addresses = await resolveHost(host);
    } catch (err) {
      throw new TargetRefused(`The host ${host} could not be resolved (${(err as NodeJS.ErrnoException).code ?? 'lookup failed'}).`, 'unresolvable');
    }
    if (addresses.length === 0) throw new TargetRefused(`The host ${host} has no addresses.`, 'unresolvable');
  }
  for (const a of addresses) {
    const cls = classifyAddress(a.address);
    if (!policy.allowed.has(cls)) {
      throw new TargetRefused(
        `The URL's host ${host} is ${DESCRIBE[cls]}${a.address !== host ? ` (${a.address})` : ''}, which webhooks may not target here${cls === 'loopback' || cls === 'private' ? ' (WEBHOOK_ALLOW_PRIVATE=true allows it)' : ''}.`,
      );
    }
  }
  return addresses;
}
