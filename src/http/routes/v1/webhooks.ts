import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HttpDeps } from '../../deps.js';

export const webhookRoutes = (_deps: HttpDeps): FastifyPluginAsyncTypebox => async () => {};
