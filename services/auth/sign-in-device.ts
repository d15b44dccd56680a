/**
 * The device a sign-in comes from, as the API sees it: the browser's user agent and the network of
 * its address (IPv4 /24, IPv6 /48: a home or office line keeps its prefix when the provider hands
 * out a new address). Only a SHA-256 of the two is stored; the alert email shows them to the person.
 */
import { createHash } from 'node:crypto';

export interface SignInDevice {
  /** The User-Agent header, trimmed ('' when the client sent none). */
  userAgent: string;
  /** The network of the client's address, e.g. `203.0.113.0/24`, `2001:db8:1::/48`. */
  network: string;
  /** SHA-256 (hex) of user agent and network: what a session stores and a later sign-in compares. */
  fingerprint: string;
}

const USER_AGENT_MAX = 512;

/** The /24 of an IPv4 address (also IPv4-mapped IPv6), the /48 of an IPv6 one; 'unknown' otherwise. */
export function networkOf(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/i.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  const address = ip.split('%')[0]!;
  if (!/^[0-9a-f:]+$/i.test(address) || !address.includes(':')) return 'unknown';
  const [head = '', tail] = address.split('::');
  const before = head ? head.split(':') : [];
  const after = tail ? tail.split(':') : [];
  const groups = tail === undefined ? before : [...before, ...Array<string>(Math.max(0, 8 - before.length - after.length)).fill('0'), ...after];
  return `${groups.slice(0, 3).map((group) => Number.parseInt(group || '0', 16).toString(16)).join(':')}::/48`;
}

export function signInDevice(userAgent: string | undefined, ip: string): SignInDevice {
  const agent = (userAgent ?? '').trim().slice(0, USER_AGENT_MAX);
  const network = networkOf(ip);
  return { userAgent: agent, network, fingerprint: createHash('sha256').update(`${agent}\n${network}`).digest('hex') };
}
