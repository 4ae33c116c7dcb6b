// The address of the client behind a request: the TCP peer, or — when the peer is one of our own reverse proxies
// (FINCLOUD_TRUSTED_PROXIES) — the address that proxy reports in `X-Forwarded-For`.

import { BlockList, isIP } from 'node:net';

/** A socket-backed request context, over HTTP ({req, res} from node:http) or WebSocket ({req: upgrade request}). */
interface PeerContext {
  req?: { socket?: { remoteAddress?: string } };
  request?: Request;
}

/** "10.0.0.0/8, 192.168.1.7, ::1" → a matcher; entries that are neither an address nor a CIDR are refused. */
export function parseTrustedProxies(spec: string | undefined): BlockList {
  const list = new BlockList();
  for (const entry of (spec ?? '').split(',').map((part) => part.trim()).filter(Boolean)) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const prefix = Number(bits);
    const prefixOk = bits === undefined || (/^\d+$/.test(bits) && prefix <= (family === 4 ? 32 : 128));
    if (!family || rest.length || !prefixOk) {
      throw new Error(`FINCLOUD_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, prefix, type);
  }
  return list;
}

/** "::ffff:10.1.2.3" → "10.1.2.3" (IPv4 clients of a dual-stack socket). */
function normalise(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

function isTrusted(trusted: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && trusted.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Client addresses, computed once per request. */
export function clientAddressResolver(trusted: BlockList): (context: PeerContext) => string {
  const byRequest = new WeakMap<object, string>();
  return (context) => {
    const key = context.request ?? context;
    let address = byRequest.get(key);
    if (address === undefined) {
      address = resolve(trusted, context);
      byRequest.set(key, address);
    }
    return address;
  };
}

function resolve(trusted: BlockList, context: PeerContext): string {
  const peer = normalise(context.req?.socket?.remoteAddress ?? '');
  if (!peer) return 'unknown';
  if (!isTrusted(trusted, peer)) return peer;
  // Walk X-Forwarded-For from the nearest hop back, skipping our own proxies: the first address not ours is the
  // client (anything further left was written by the client and proves nothing).
  const hops = (context.request?.headers.get('x-forwarded-for') ?? '').split(',').map((hop) => normalise(hop.trim()));
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) break;
    client = hop;
    if (!isTrusted(trusted, hop)) break;
  }
  return client;
}
