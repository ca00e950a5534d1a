import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy to a database that a test can make hang: after `stall()` it
 * keeps every connection open and accepts new ones, but passes nothing on in
 * either direction — a server that accepts and never answers (hung, or a
 * network dropping packets), unlike one that refuses.
 */
export interface StallingProxy {
  /** The database URL, reached through the proxy. */
  url: string;
  stall(): void;
  close(): Promise<void>;
}

export async function startStallingProxy(databaseUrl: string): Promise<StallingProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let stalled = false;
  const keep = (s: Socket) => {
    sockets.add(s);
    s.on('error', () => s.destroy());
    s.on('close', () => sockets.delete(s));
  };
  const server: Server = createServer((client) => {
    keep(client);
    if (stalled) return; // accepted, never answered
    const upstream = connect(Number(target.port || 5432), target.hostname);
    keep(upstream);
    client.on('data', (chunk: Buffer) => void (stalled || upstream.write(chunk)));
    upstream.on('data', (chunk: Buffer) => void (stalled || client.write(chunk)));
    client.on('close', () => stalled || upstream.destroy());
    upstream.on('close', () => stalled || client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const via = new URL(databaseUrl);
  via.hostname = '127.0.0.1';
  via.port = String((server.address() as { port: number }).port);
  return {
    url: via.toString(),
    stall: () => void (stalled = true),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
