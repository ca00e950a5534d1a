import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { DestinationStream } from 'pino';
import type { Registry } from 'prom-client';
import { bounded, type Executor } from '../platform/db/index.js';
import * as routing from '../modules/routing/index.js';
import { newId } from '../platform/ids.js';
import { loggerOptions } from '../platform/logger.js';
import { registerAuth } from './auth.js';
import type { HttpDeps } from './deps.js';
import { errorHandler } from './errors.js';
import { hostileInputGuard, parseQuery } from './hostile-input.js';
import { registerMetrics } from './metrics.js';
import { registerPages } from './pages.js';
import { registerResponsePolicy } from './response-policy.js';
import { Nullable } from './schemas.js';
import { accountRoutes } from './routes/v1/account.js';
import { adminRoutes } from './routes/v1/admin.js';
import { apiKeyRoutes } from './routes/v1/api-keys.js';
import { authRoutes } from './routes/v1/auth.js';
import { setupRoutes } from './routes/v1/setup.js';
import { subaccountRoutes } from './routes/v1/subaccounts.js';
import { userRoutes } from './routes/v1/users.js';
import { messageRoutes } from './routes/v1/messages.js';
import { bulkMessageRoutes } from './routes/v1/messages-bulk.js';
import { creditRoutes } from './routes/v1/credit.js';
import { adminSmsRoutes } from './routes/v1/admin-sms.js';
import { contactRoutes } from './routes/v1/contacts.js';
import { contactImportRoutes } from './routes/v1/contact-imports.js';
import { listRoutes } from './routes/v1/lists.js';
import { suppressionRoutes } from './routes/v1/suppressions.js';
import { senderRoutes } from './routes/v1/senders.js';
import { inboxRoutes } from './routes/v1/inbox.js';
import { webhookRoutes } from './routes/v1/webhooks.js';
import { firstRunRoutes } from './routes/v1/first-run.js';
import { validatorCompiler } from './validation.js';
import { createSendQueue } from '../modules/messages/index.js';

export interface AppOptions extends Omit<HttpDeps, 'sendQueue' | 'currency' | 'simulator'> {
  /** HERALD_CURRENCY; EUR when not given. */
  currency?: string;
  simulator?: HttpDeps['simulator'];
  logLevel?: string;
  /** Where the request log goes (stdout by default); tests read it. */
  logStream?: DestinationStream;
  bodyLimit?: number;
  trustProxy?: boolean;
  metrics: Registry;
  metricsToken?: string | undefined;
  version: string;
  /** Filled with every route as it is registered (the security suite walks it). */
  routeTable?: RouteOptions[];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const inputGuard = hostileInputGuard();
  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? 'info', options.logStream),
    bodyLimit: options.bodyLimit ?? 1_048_576,
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : newId('req');
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { querystringParser: parseQuery },
    frameworkErrors: inputGuard.frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(errorHandler);
  inputGuard.register(app);
  registerResponsePolicy(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  if (options.routeTable) {
    const table = options.routeTable;
    app.addHook('onRoute', (route) => void table.push(route));
  }
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Herald API', version: options.version, description: 'Send and receive SMS, fax, voice and email.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: Authorization: Bearer hrld_…' },
          session: { type: 'apiKey', in: 'cookie', name: 'herald_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
  });
  // Swagger UI's own CSP, framed by nobody, and without upgrade-insecure-requests,
  // which would break /docs on a plain-HTTP install.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list' },
    staticCSP: true,
    transformStaticCSP: (csp) => csp.replace(/\s*upgrade-insecure-requests;?/, '').replace("frame-ancestors 'self'", "frame-ancestors 'none'"),
  });

  // Registered before the auth hook: these answer without credentials and
  // outside the API's account scope.
  app.get('/openapi.json', { config: { auth: { public: true } }, schema: { hide: true } }, async () => app.swagger());
  registerAuth(app, options.db, options.sessionHours);
  registerMetrics(app, options.metrics, options.metricsToken, options.db);
  registerHealth(app, options.db);
  registerPages(app);

  const sendQueue = createSendQueue(options.db);
  app.addHook('onClose', async () => sendQueue.close());
  const deps: HttpDeps = {
    sendQueue,
    db: options.db,
    publicUrl: options.publicUrl,
    sessionHours: options.sessionHours,
    secureCookies: options.secureCookies,
    defaultSender: options.defaultSender,
    currency: options.currency ?? 'EUR',
    simulator: options.simulator ?? null,
    ...(options.outboundPolicy && { outboundPolicy: options.outboundPolicy }),
  };
  for (const routes of [setupRoutes, authRoutes, accountRoutes, userRoutes, apiKeyRoutes, subaccountRoutes, adminRoutes, adminSmsRoutes, messageRoutes, bulkMessageRoutes, creditRoutes, contactRoutes, contactImportRoutes, listRoutes, suppressionRoutes, senderRoutes, inboxRoutes, webhookRoutes, firstRunRoutes]) {
    await app.register(routes(deps));
  }
  return app;
}

function registerHealth(app: FastifyInstance, db: Executor): void {
  const Status = Type.Object({ status: Type.String() });
  const Ready = Type.Object({
    status: Type.String({ description: '`ok` when the database answers: the API can serve' }),
    database: Type.String(),
    connectors: Type.Array(Type.Object({
      id: Type.String(),
      binds_up: Type.Integer({ description: '0: no worker has a bind up to this SMS centre; its parts wait' }),
      binds_wanted: Type.Integer(),
      in_flight: Type.Integer(),
      workers: Type.Integer({ description: 'Workers that reported on it in the last 15 s' }),
      last_error: Nullable(Type.String()),
      reported_at: Nullable(Type.String({ format: 'date-time' })),
    }), { description: 'Enabled SMS connectors, as the workers running them last reported' }),
  });
  const pub = { auth: { public: true } } as const;
  app.get('/healthz', { config: pub, schema: { tags: ['health'], summary: 'The process is alive', response: { 200: Status } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', {
    config: pub,
    schema: {
      tags: ['health'],
      summary: 'The database answers (else 503); which SMS connectors have no bind up is in the body',
      response: { 200: Ready, 503: Type.Object({ status: Type.String(), database: Type.String() }) },
    },
  }, async (_request, reply) => {
    let connectors: routing.ConnectorHealth[];
    try {
      // A hung database must not hang the probe: it gets its own short bound.
      connectors = await bounded(routing.readConnectorHealth(db), READY_TIMEOUT_MS);
    } catch {
      return reply.status(503).send({ status: 'database unreachable', database: 'unreachable' });
    }
    return {
      status: 'ok',
      database: 'ok',
      connectors: connectors.map((c) => ({ ...c, reported_at: c.reported_at?.toISOString() ?? null })),
    };
  });
}

const READY_TIMEOUT_MS = 2_000;
