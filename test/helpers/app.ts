import type { FastifyInstance, LightMyRequestResponse, RouteOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import { Registry } from 'prom-client';
import { buildApp, type AppOptions } from '../../src/http/app.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

export const PUBLIC_URL = 'http://herald.test';

export interface TestApp {
  app: FastifyInstance;
  db: TestDatabase['db'];
  database: TestDatabase;
  close(): Promise<void>;
}

/** The real app on a fresh database of its own, driven through app.inject. */
export async function createTestApp(
  options: { routeTable?: RouteOptions[]; logLevel?: string; logStream?: DestinationStream; bodyLimit?: number } & Pick<AppOptions, 'currency' | 'simulator'> = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const app = await buildApp({
    db: database.db,
    publicUrl: PUBLIC_URL,
    sessionHours: 24,
    secureCookies: false, defaultSender: 'Herald',
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    bodyLimit: 65_536,
    metrics: new Registry(),
    version: 'test',
    ...options,
  });
  await app.ready();
  return {
    app,
    db: database.db,
    database,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

/** Credentials of a signed-in user or an API key, ready to pass to inject. */
export interface Caller {
  headers: Record<string, string>;
}

export function asSession(cookie: string, csrf: string, extra: Record<string, string> = {}): Caller {
  return { headers: { cookie: `herald_session=${cookie}`, 'x-csrf-token': csrf, ...extra } };
}

export function asKey(secret: string, extra: Record<string, string> = {}): Caller {
  return { headers: { authorization: `Bearer ${secret}`, ...extra } };
}

export function sessionCookie(res: LightMyRequestResponse): string {
  const cookie = res.cookies.find((c) => c.name === 'herald_session');
  if (!cookie) throw new Error(`no session cookie in answer ${res.statusCode}: ${res.body}`);
  return cookie.value;
}

export function json<T = any>(res: LightMyRequestResponse): T {
  return JSON.parse(res.body) as T;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `call(caller, method, url, payload?)` against the app `app()` returns (set in a beforeAll). */
export function requester(app: () => TestApp) {
  return (caller: Caller, method: Method, url: string, payload?: object) => app().app.inject({ method, url, ...caller, ...(payload && { payload }) });
}
