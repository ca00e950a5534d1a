import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

// The web app (web/, built by `npm run build` into dist/web) is served from
// here: its index.html for each of the app's own paths, so links from emails
// (/setup#token=…, /reset-password#token=…) and reloads work, and the hashed
// files under /assets/. Without a build, `/` says how to make one, so the API
// and its tests never depend on it.

/** The app's client-side pages; each answers with index.html. */
export const APP_PATHS = [
  '/', '/setup', '/reset-password', '/forgot-password', '/sms', '/contacts', '/lists', '/sent', '/inbox', '/settings',
  '/settings/credit', '/settings/quotas', '/settings/senders', '/settings/api-keys', '/settings/webhooks',
  '/settings/users', '/settings/subaccounts', '/settings/profile',
] as const;

// This file runs as dist/src/http/pages.js (built) or src/http/pages.ts (tests); the app is in dist/web either way.
const HERE = fileURLToPath(new URL('.', import.meta.url));
const WEB_ROOT = join(resolve(HERE, HERE.includes(`${sep}dist${sep}src${sep}`) ? '../../..' : '../..'), 'dist', 'web');
const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "connect-src 'self'",
  "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.woff2': 'font/woff2', '.json': 'application/json', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
};

const NO_BUILD = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Herald</title></head><body>
<h1>Herald is running</h1><p>The web app is not built: run <code>npm run build</code> and restart Herald.
The API is described at <a href="/docs">/docs</a>.</p></body></html>`;

interface Built {
  index: Buffer;
  assets: Map<string, { body: Buffer; type: string }>;
}

/** Reads dist/web once: the app is small, and a new build comes with a restart. */
function loadBuild(root: string): Built | null {
  try {
    const index = readFileSync(join(root, 'index.html'));
    const assets = new Map<string, { body: Buffer; type: string }>();
    const dir = join(root, 'assets');
    for (const name of statSync(dir, { throwIfNoEntry: false })?.isDirectory() ? readdirSync(dir) : []) {
      assets.set(name, { body: readFileSync(join(dir, name)), type: TYPES[extname(name)] ?? 'application/octet-stream' });
    }
    return { index, assets };
  } catch {
    return null;
  }
}

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CSP)
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY');
}

export function registerPages(app: FastifyInstance, webRoot = WEB_ROOT): void {
  const built = loadBuild(webRoot);
  const page = { config: { auth: { public: true } }, schema: { hide: true } } as const;

  for (const path of APP_PATHS) {
    app.get(path, page, async (_request, reply) =>
      secure(reply)
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(built ? built.index : NO_BUILD),
    );
  }

  app.get('/assets/*', page, async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const file = built?.assets.get(name);
    if (!file) return reply.callNotFound();
    // Vite names every asset after its content hash: it never changes under one name.
    return secure(reply).header('content-type', file.type).header('cache-control', 'public, max-age=31536000, immutable').send(file.body);
  });
}
