/**
 * HTTP to URLs that users give (webhook endpoints, reply forwarding) without
 * letting them reach Herald's own network (SSRF). `checkUrl` answers at save
 * time; `postJson` checks again on the address it actually connects to, since
 * a name may resolve elsewhere by then (DNS rebinding).
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError, isAppError } from './errors.js';

export interface OutboundPolicy {
  /** Exact host names or CIDR ranges an administrator allows even if private, for self-hosted setups. */
  allowHosts?: string[];
}

/** Resolves a name to all its addresses; `dns.lookup` unless a test injects another. */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

export interface OutboundResult {
  /** A 2xx answer; a 3xx is not followed and counts as a failure. */
  ok: boolean;
  status: number | null;
  latencyMs: number;
  /** The first `maxResponseBytes` of the body, as UTF-8. */
  responseStart: string;
  /** `refused: <reason>`, `timeout` or `connection: <code>`; null when an answer came. */
  error: string | null;
}

export interface PostJsonOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
  maxResponseBytes?: number;
  policy?: OutboundPolicy;
  /** For tests; the real resolver is `dns.lookup`. */
  resolve?: Resolver;
}

type Ip = ipaddr.IPv4 | ipaddr.IPv6;
/** Why a URL is refused, as a stable code a client can translate. */
export type UrlRefusal = 'url_not_valid' | 'url_scheme' | 'url_credentials' | 'url_internal' | 'url_unresolvable';
type Check = { ok: true; url: URL } | { ok: false; code: UrlRefusal; reason: string };

interface Allowed {
  names: Set<string>;
  ranges: [Ip, number][];
}

const systemResolve: Resolver = (host) => dnsLookup(host, { all: true });

// The addresses behind these are refused anyway; naming them also refuses
// them where DNS says something else (GCP resolves `metadata` via the search domain).
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata']);
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

function bareHost(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

function compile(policy: OutboundPolicy | undefined): Allowed {
  const allowed: Allowed = { names: new Set(), ranges: [] };
  for (const entry of policy?.allowHosts ?? []) {
    const bare = bareHost(entry.trim());
    if (ipaddr.isValidCIDR(bare)) allowed.ranges.push(ipaddr.parseCIDR(bare));
    else if (ipaddr.isValid(bare)) {
      const ip = ipaddr.process(bare);
      allowed.ranges.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    } else allowed.names.add(bare);
  }
  return allowed;
}

/** Why an address is refused (`loopback`, `private`...), or null when allowed. */
function addressRefusal(address: string, allowed: Allowed): string | null {
  let ip: Ip;
  try {
    // process() turns IPv4-mapped IPv6 (::ffff:7f00:1) into the IPv4 it carries.
    ip = ipaddr.process(address);
  } catch {
    return 'not an IP address';
  }
  if (allowed.ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits))) return null;
  const range = ip.range();
  if (range !== 'unicast') return range;
  // ipaddr.js calls the deprecated IPv4-compatible ::a.b.c.d "unicast"; some
  // stacks still route it to the IPv4 inside, so none is let through.
  if (ip.kind() === 'ipv6' && ip.match(IPV4_COMPATIBLE)) return 'IPv4-compatible IPv6';
  return null;
}

function hostRefusal(host: string, allowed: Allowed): string | null {
  if (allowed.names.has(host)) return null;
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is a loopback name`;
  if (METADATA_NAMES.has(host)) return `${host} is a cloud metadata name`;
  // WHATWG URL already rewrites 2130706433 or 0177.0.0.1 as 127.0.0.1;
  // ipaddr.js reads those spellings too, so nothing depends on that.
  if (!ipaddr.isValid(host)) return null;
  const refusal = addressRefusal(host, allowed);
  return refusal === null ? null : `${host} is ${refusal}`;
}

/** Everything that can be said without DNS. */
function staticCheck(raw: string, allowed: Allowed): Check {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, code: 'url_not_valid', reason: 'not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, code: 'url_scheme', reason: `scheme ${url.protocol} is not allowed` };
  if (url.username !== '' || url.password !== '') return { ok: false, code: 'url_credentials', reason: 'credentials in the URL are not allowed' };
  const refusal = hostRefusal(bareHost(url.hostname), allowed);
  return refusal === null ? { ok: true, url } : { ok: false, code: 'url_internal', reason: refusal };
}

/**
 * The checks that need no DNS (scheme, credentials, literal and named hosts),
 * for request paths that must not wait on a resolver; the address actually
 * connected to is checked again when the request is made.
 */
export function checkUrlSyntax(raw: string, policy?: OutboundPolicy): Check {
  return staticCheck(raw, compile(policy));
}

function resolvedRefusal(host: string, addresses: LookupAddress[], allowed: Allowed): string | null {
  if (addresses.length === 0) return `${host} has no address`;
  for (const { address } of addresses) {
    const refusal = addressRefusal(address, allowed);
    if (refusal !== null) return `${host} resolves to ${address}, which is ${refusal}`;
  }
  return null;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

/** The save-time check: the URL, its host, and every address the host resolves to now. */
export async function checkUrl(raw: string, policy?: OutboundPolicy, resolve: Resolver = systemResolve): Promise<Check> {
  const allowed = compile(policy);
  const check = staticCheck(raw, allowed);
  if (!check.ok) return check;
  const host = bareHost(check.url.hostname);
  if (allowed.names.has(host) || ipaddr.isValid(host)) return check;
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    return { ok: false, code: 'url_unresolvable', reason: `${host} does not resolve (${errorCode(error)})` };
  }
  const refusal = resolvedRefusal(host, addresses, allowed);
  if (refusal === null) return check;
  return { ok: false, code: addresses.length === 0 ? 'url_unresolvable' : 'url_internal', reason: refusal };
}

/**
 * The `lookup` for sockets to user-given hosts: resolves, refuses unless every
 * address is allowed, and hands back only checked addresses, so the socket
 * connects to what was checked. Node skips `lookup` for IP literals; those
 * are refused by the static check before a request starts.
 */
export function guardedLookup(policy?: OutboundPolicy, resolve: Resolver = systemResolve): LookupFunction {
  const allowed = compile(policy);
  return (hostname: string, options: LookupOptions, callback) => {
    const host = bareHost(hostname);
    resolve(host).then(
      (addresses) => {
        const refusal = allowed.names.has(host) ? null : (hostRefusal(host, allowed) ?? resolvedRefusal(host, addresses, allowed));
        if (refusal !== null) {
          callback(new AppError('forbidden', refusal, { context: { host, addresses } }), '');
          return;
        }
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
        const first = usable[0];
        if (!first) callback(Object.assign(new Error(`${host} has no IPv${family} address`), { code: 'ENOTFOUND' }), '');
        else if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

function describe(error: unknown): string {
  if (isAppError(error) && error.code === 'forbidden') return `refused: ${error.message}`;
  return `connection: ${errorCode(error)}`;
}

/**
 * POSTs a JSON body and reports what happened; network trouble is data, never
 * an exception. Redirects are not followed.
 */
export async function postJson(url: string, body: string, options: PostJsonOptions = {}): Promise<OutboundResult> {
  const { timeoutMs = 10_000, maxResponseBytes = 4096, policy } = options;
  const started = performance.now();
  const result = (partial: Partial<OutboundResult>): OutboundResult => ({
    ok: false,
    status: null,
    responseStart: '',
    error: null,
    ...partial,
    latencyMs: Math.round(performance.now() - started),
  });

  const check = staticCheck(url, compile(policy));
  if (!check.ok) return result({ error: `refused: ${check.reason}` });

  return new Promise<OutboundResult>((settle) => {
    let settled = false;
    const finish = (partial: Partial<OutboundResult>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Also drops the rest of a long body instead of reading it.
      request.destroy();
      settle(result(partial));
    };
    const timer = setTimeout(() => finish({ error: 'timeout' }), timeoutMs);

    const request = (check.url.protocol === 'https:' ? https : http).request(check.url, {
      method: 'POST',
      agent: false,
      lookup: guardedLookup(policy, options.resolve),
      headers: {
        ...options.headers,
        'user-agent': 'Herald-Webhooks/1',
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      },
    });
    request.on('error', (error) => finish({ error: describe(error) }));
    request.on('response', (response) => {
      const status = response.statusCode ?? null;
      const chunks: Buffer[] = [];
      let size = 0;
      const answer = (error: string | null = null): void =>
        finish({
          ok: error === null && status !== null && status >= 200 && status < 300,
          status,
          responseStart: Buffer.concat(chunks).subarray(0, maxResponseBytes).toString('utf8'),
          error,
        });
      if (maxResponseBytes <= 0) return answer();
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= maxResponseBytes) answer();
      });
      response.on('end', () => answer());
      response.on('error', (error) => answer(describe(error)));
    });
    request.end(body);
  });
}
