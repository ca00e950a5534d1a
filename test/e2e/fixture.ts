// The hooks every e2e file shares: one Herald per file with its first owner
// made in beforeAll, and for each test a fresh browser context signed in as
// that owner, so no test inherits another's page, sessionStorage (the account
// it acts in) or open dialogs, and one failure stays one failure. Per test:
// a screenshot when it fails, and a failure when the page broke a Content
// Security Policy rule. Per file: Herald's output and the browser's errors
// under test-artifacts/.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { Driver } from './driver.js';
import { ARTIFACTS, ensureBuilt, launchBrowser, startHerald } from './harness.js';

export const OWNER = { email: 'owner@example.com', password: 'correct horse battery staple', name: 'Olivia Owner', account: 'Acme' };

/** How long a locator waits: generous, since the suite must hold on a loaded two-core machine. */
export const WAIT_MS = 30_000;

export interface SuiteOptions {
  /** Names the file's logs (test-artifacts/herald-<label>.log). */
  label: string;
  /** Make the first owner in beforeAll (default); false leaves the setup link unused. */
  owner?: boolean;
  viewport?: { width: number; height: number };
}

export interface Suite extends Driver {
  browser: Browser;
  context: BrowserContext;
  /** Another page in a fresh context with the same sign-in (or none), e.g. a second tab or a second user. */
  newPage(options?: { signedIn?: boolean }): Promise<Page>;
  /** The API as the owner, from the test process: for the data a test needs before it opens a page. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

/** Registers the file's hooks; the returned fields are filled in by them. */
export function useHerald(options: SuiteOptions): Suite {
  const suite = {} as Suite;
  let signedIn: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;
  let owner: { context: BrowserContext; csrf: string } | undefined;
  const log: string[] = [];
  let cspErrors: string[] = [];
  const contexts: BrowserContext[] = [];
  const stamp = (line: string) => log.push(`${new Date().toISOString()} ${line}`);

  const open = async (state?: typeof signedIn): Promise<Page> => {
    const context = await suite.browser.newContext({
      locale: 'en-GB', timezoneId: 'Europe/Brussels', viewport: options.viewport ?? { width: 1280, height: 900 },
      ...(state && { storageState: state }),
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
      if (m.type() === 'error') stamp(`console: ${m.text()}`);
    });
    // A page that never shows its content has usually had an answer like these.
    page.on('response', (r) => r.status() >= 400 && stamp(`${r.status()} ${r.request().method()} ${r.url()}`));
    page.on('requestfailed', (r) => stamp(`failed ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
    return page;
  };

  beforeAll(async () => {
    await ensureBuilt();
    suite.herald = await startHerald();
    suite.browser = await launchBrowser();
    if (options.owner === false) return;
    const context = await suite.browser.newContext();
    const token = new URL(suite.herald.setupLink).hash.replace('#token=', '');
    const res = await context.request.post(`${suite.herald.url}/v1/setup`, {
      data: { token, account_name: OWNER.account, name: OWNER.name, email: OWNER.email, password: OWNER.password, default_country: 'BE', timezone: 'Europe/Brussels' },
    });
    if (res.status() !== 201) throw new Error(`setup answered ${res.status()}: ${await res.text()}`);
    owner = { context, csrf: ((await res.json()) as { csrf_token: string }).csrf_token };
    signedIn = await context.storageState();
  });

  beforeEach(async (ctx) => {
    cspErrors = [];
    stamp(`test: ${ctx.task.name}`);
    suite.page = await open(signedIn);
    suite.context = suite.page.context();
  });

  afterEach(async (ctx) => {
    const failed = ctx.task.result?.state === 'fail';
    if (failed && suite.page) {
      const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      await suite.page.screenshot({ path: join(ARTIFACTS, `failed-${options.label}-${name}.png`), fullPage: true }).catch(() => undefined);
      stamp(`test failed: ${ctx.task.name} at ${suite.page.url()}`);
    }
    await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
    expect(cspErrors, 'Content Security Policy violations').toEqual([]);
  });

  afterAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    await owner?.context.close();
    await suite.browser?.close();
    await suite.herald?.stop();
    if (suite.herald) await writeFile(join(ARTIFACTS, `herald-${options.label}.log`), suite.herald.output());
    await writeFile(join(ARTIFACTS, `browser-${options.label}.log`), log.join('\n') + '\n');
  });

  suite.newPage = (o = {}) => open(o.signedIn === false ? undefined : signedIn);
  suite.api = async (method, path, body) => {
    if (!owner) throw new Error('no owner: this file set up Herald with owner: false');
    const res = await owner.context.request.fetch(suite.herald.url + path, { method, headers: { 'x-csrf-token': owner.csrf }, ...(body !== undefined && { data: body }) });
    const text = await res.text();
    return { status: res.status(), body: text ? JSON.parse(text) : null };
  };
  return suite;
}
