import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HttpDeps } from '../../deps.js';

export const senderRoutes = (_deps: HttpDeps): FastifyPluginAsyncTypebox => async () => {};
