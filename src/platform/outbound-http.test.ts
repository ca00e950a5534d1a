import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkUrl, guardedLookup, postJson, type Resolver } from './outbound-http.js';

interface Seen {
  headers: http.IncomingHttpHeaders;
  body: string;
  url: string;
}

/** A loopback server whose behaviour each test sets, counting every connection it accepts. */
function loopbackServer() {
  const state = {
    port: 0,
    connections: 0,
    requests: [] as Seen[],
    handler: ((_req, res) => res.end('hello')) as (req: http.IncomingMessage, res: http.ServerResponse) => void,
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      state.requests.push({ headers: req.headers, body, url: req.url ?? '' });
      state.handler(req, res);
    });
  });
  server.on('connection', () => state.connections++);
  return {
    state,
    start: () => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => {
      state.port = (server.address() as AddressInfo).port;
      resolve();
    })),
    reset: () => {
      state.connections = 0;
      state.requests = [];
      state.handler = (_req, res) => res.end('hello');
      server.closeAllConnections();
    },
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const PUBLIC_V4: LookupAddress = { address: '93.184.216.34', family: 4 };
const PUBLIC_V6: LookupAddress = { address: '2606:2800:220:1::1', family: 6 };

/** A resolver answering from a list, one answer per call (the last repeats), and recording who asked. */
function fakeResolver(...answers: LookupAddress[][]): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (host: string) => {
    calls.push(host);
    return answers[Math.min(calls.length, answers.length) - 1] ?? [];
  };
  return Object.assign(resolve, { calls });
}

const lookupOnce = (lookup: ReturnType<typeof guardedLookup>, host: string, options: { all?: boolean; family?: number }) =>
  new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family: number | undefined }>((resolve) =>
    lookup(host, options, (err, address, family) => resolve({ err, address, family })),
  );

const server = loopbackServer();
beforeAll(() => server.start());
afterEach(() => server.reset());
afterAll(() => server.stop());

describe('refused targets', () => {
  // PORT is the loopback server's, so a target that slipped through would be counted.
  const hostile = [
    'http://127.0.0.1:PORT/',
    'http://localhost:PORT/',
    'http://LOCALHOST.:PORT/',
    'http://hooks.localhost:PORT/',
    'http://2130706433:PORT/',
    'http://0x7f000001:PORT/',
    'http://0177.0.0.1:PORT/',
    'http://127.1:PORT/',
    'http://017700000001:PORT/',
    'http://[::1]:PORT/',
    'http://[::]:PORT/',
    'http://[::ffff:127.0.0.1]:PORT/',
    'http://[::ffff:7f00:1]:PORT/',
    'http://[::7f00:1]:PORT/',
    'http://[64:ff9b::7f00:1]:PORT/',
    'http://0.0.0.0:PORT/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:169.254.169.254]/latest/meta-data/',
    'http://10.0.0.1/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://[fe80::1]/',
    'http://[fd00:ec2::254]/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'ftp://example.org/',
    'file:///etc/passwd',
    'http://user:pw@example.org/',
    'not a url',
  ];

  it.each(hostile)('refuses %s without opening a socket', async (target) => {
    const url = target.replace('PORT', String(server.state.port));
    // No hostile URL needs DNS to be refused; a resolver that answers public
    // would let a missing check through, so the test would fail.
    const resolve = fakeResolver([PUBLIC_V4]);
    const checked = await checkUrl(url, undefined, resolve);
    expect(checked, url).toMatchObject({ ok: false, reason: expect.any(String) });
    const result = await postJson(url, '{}', { timeoutMs: 2_000, resolve });
    expect(result.error, url).toMatch(/^refused: /);
    expect(result).toMatchObject({ ok: false, status: null });
    expect(resolve.calls).toEqual([]);
    expect(server.state.connections).toBe(0);
  });

  it('reads odd IPv4 spellings as the address they mean, whether or not URL normalised them', async () => {
    expect(new URL('http://0177.0.0.1/').hostname).toBe('127.0.0.1');
    const checked = await checkUrl('http://017700000001/');
    expect(checked).toEqual({ ok: false, code: 'url_internal', reason: '127.0.0.1 is loopback' });
  });

  it('allows a public name only when every address it resolves to is public', async () => {
    const good = await checkUrl('https://hooks.example.org/in', undefined, fakeResolver([PUBLIC_V4, PUBLIC_V6]));
    expect(good.ok && good.url.href).toBe('https://hooks.example.org/in');
    const mixed = await checkUrl('https://hooks.example.org/in', undefined, fakeResolver([PUBLIC_V4, { address: '::1', family: 6 }]));
    expect(mixed).toEqual({ ok: false, code: 'url_internal', reason: 'hooks.example.org resolves to ::1, which is loopback' });
    const none = await checkUrl('https://hooks.example.org/in', undefined, fakeResolver([]));
    expect(none).toMatchObject({ ok: false, code: 'url_unresolvable' });
    const failing: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await checkUrl('https://nowhere.invalid/', undefined, failing)).toEqual({
      ok: false,
      code: 'url_unresolvable',
      reason: 'nowhere.invalid does not resolve (ENOTFOUND)',
    });
  });
});

describe('postJson to an allowed host', () => {
  it.each([['127.0.0.1'], ['127.0.0.0/8']])('posts to loopback allowed as %s', async (allowed) => {
    server.state.handler = (_req, res) => setTimeout(() => res.end('hello from the hook'), 30);
    const result = await postJson(`http://127.0.0.1:${server.state.port}/hook`, '{"a":1}', {
      headers: { 'webhook-id': 'msg_1' },
      policy: { allowHosts: [allowed] },
    });
    expect(result).toMatchObject({ ok: true, status: 200, responseStart: 'hello from the hook', error: null });
    expect(result.latencyMs).toBeGreaterThanOrEqual(20);
    expect(server.state.requests).toHaveLength(1);
    const seen = server.state.requests[0]!;
    expect(seen).toMatchObject({ url: '/hook', body: '{"a":1}' });
    expect(seen.headers).toMatchObject({
      'user-agent': 'Herald-Webhooks/1',
      'content-type': 'application/json',
      'webhook-id': 'msg_1',
    });
  });

  it('allows only what the policy names', async () => {
    const policy = { allowHosts: ['127.0.0.1'] };
    for (const url of [`http://[::1]:${server.state.port}/`, 'http://10.0.0.1/', `http://localhost:${server.state.port}/`]) {
      const result = await postJson(url, '{}', { policy, timeoutMs: 2_000, resolve: fakeResolver([{ address: '127.0.0.2', family: 4 }]) });
      expect(result.error, url).toMatch(/^refused: /);
    }
    expect(server.state.connections).toBe(0);
  });

  it('connects through the checked lookup for a name the policy allows', async () => {
    const resolve = fakeResolver([{ address: '127.0.0.1', family: 4 }]);
    const result = await postJson(`http://hooks.internal:${server.state.port}/`, '{}', { policy: { allowHosts: ['hooks.internal'] }, resolve });
    expect(result).toMatchObject({ ok: true, status: 200, responseStart: 'hello' });
    expect(resolve.calls).toEqual(['hooks.internal']);
  });

  it('returns a redirect as it is, without following it', async () => {
    server.state.handler = (_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${server.state.port}/elsewhere` }).end('moved');
    const result = await postJson(`http://127.0.0.1:${server.state.port}/`, '{}', { policy: { allowHosts: ['127.0.0.1'] } });
    expect(result).toMatchObject({ ok: false, status: 302, responseStart: 'moved', error: null });
    expect(server.state.requests.map((r) => r.url)).toEqual(['/']);
  });

  it('reports a server error as a failed answer, not an exception', async () => {
    server.state.handler = (_req, res) => res.writeHead(500).end('boom');
    const result = await postJson(`http://127.0.0.1:${server.state.port}/`, '{}', { policy: { allowHosts: ['127.0.0.1'] } });
    expect(result).toMatchObject({ ok: false, status: 500, responseStart: 'boom', error: null });
  });

  it('gives up on a slow server at the timeout', async () => {
    server.state.handler = () => {};
    const result = await postJson(`http://127.0.0.1:${server.state.port}/`, '{}', { policy: { allowHosts: ['127.0.0.1'] }, timeoutMs: 200 });
    expect(result).toMatchObject({ ok: false, status: null, error: 'timeout' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(150);
  });

  it('reports a refused connection', async () => {
    const closed = loopbackServer();
    await closed.start();
    const port = closed.state.port;
    await closed.stop();
    const result = await postJson(`http://127.0.0.1:${port}/`, '{}', { policy: { allowHosts: ['127.0.0.1'] } });
    expect(result).toMatchObject({ ok: false, status: null, error: 'connection: ECONNREFUSED' });
  });

  it('cuts a 10 MB body at maxResponseBytes', async () => {
    const total = 10 * 1024 * 1024;
    server.state.handler = (_req, res) => {
      res.writeHead(200, { 'content-length': total });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const pump = (): void => {
        while (sent < total && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    };
    const url = `http://127.0.0.1:${server.state.port}/`;
    const policy = { allowHosts: ['127.0.0.1'] };
    const result = await postJson(url, '{}', { policy });
    expect(result).toMatchObject({ ok: true, status: 200, error: null });
    expect(result.responseStart).toBe('x'.repeat(4096));
    const small = await postJson(url, '{}', { policy, maxResponseBytes: 100 });
    expect(small.responseStart).toBe('x'.repeat(100));
  });

  it('stops reading once it has enough, instead of waiting for the rest', async () => {
    // The server promises 10 MB, sends 8 KB and stalls: only a client that
    // stops at maxResponseBytes answers before the timeout.
    let hungUp!: () => void;
    const serverSawHangUp = new Promise<void>((resolve) => (hungUp = resolve));
    server.state.handler = (_req, res) => {
      res.writeHead(200, { 'content-length': 10 * 1024 * 1024 });
      res.write(Buffer.alloc(8 * 1024, 'y'));
      res.on('close', hungUp);
    };
    const result = await postJson(`http://127.0.0.1:${server.state.port}/`, '{}', { policy: { allowHosts: ['127.0.0.1'] }, timeoutMs: 5_000 });
    expect(result).toMatchObject({ ok: true, status: 200, error: null, responseStart: 'y'.repeat(4096) });
    await serverSawHangUp;
  });
});

describe('guardedLookup (checked at connect time)', () => {
  const PRIVATE: LookupAddress = { address: '10.0.0.5', family: 4 };

  it('refuses a name when any address is private, even behind a public one', async () => {
    const lookup = guardedLookup(undefined, fakeResolver([PUBLIC_V4, PRIVATE]));
    for (const all of [true, false]) {
      const { err } = await lookupOnce(lookup, 'rebind.example', { all });
      expect(err).toMatchObject({ code: 'forbidden', message: 'rebind.example resolves to 10.0.0.5, which is private' });
    }
  });

  it('hands back exactly the checked addresses', async () => {
    const lookup = guardedLookup(undefined, fakeResolver([PUBLIC_V4, PUBLIC_V6]));
    expect(await lookupOnce(lookup, 'hooks.example.org', { all: true })).toEqual({ err: null, address: [PUBLIC_V4, PUBLIC_V6], family: undefined });
    expect(await lookupOnce(lookup, 'hooks.example.org', {})).toEqual({ err: null, address: PUBLIC_V4.address, family: 4 });
    expect(await lookupOnce(lookup, 'hooks.example.org', { family: 6 })).toEqual({ err: null, address: PUBLIC_V6.address, family: 6 });
  });

  it('refuses at connect time a name that was public when saved (DNS rebinding)', async () => {
    const resolve = fakeResolver([PUBLIC_V4], [{ address: '127.0.0.1', family: 4 }]);
    const url = `http://rebind.example:${server.state.port}/`;
    expect((await checkUrl(url, undefined, resolve)).ok).toBe(true);
    const result = await postJson(url, '{}', { resolve, timeoutMs: 2_000 });
    expect(result.error).toBe('refused: rebind.example resolves to 127.0.0.1, which is loopback');
    expect(resolve.calls).toEqual(['rebind.example', 'rebind.example']);
    expect(server.state.connections).toBe(0);
  });
});
