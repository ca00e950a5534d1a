// The HTTP part of a send and nothing else, for `bench:floor`: Fastify with
// Herald's validator, POST /v1/messages's body schema and its 202 answer's
// schema, answering a fixed result. No authentication, no database.
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { SendBody, SendResultSchema } from '../../src/http/routes/v1/messages.js';
import { validatorCompiler } from '../../src/http/validation.js';

const app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
app.setValidatorCompiler(validatorCompiler);
let n = 0;
app.post('/v1/messages', { schema: { body: SendBody, response: { 202: SendResultSchema } } }, async (request, reply) => {
  n++;
  const to = String(request.body.to[0]);
  return reply.status(202).send({
    batch_id: 'bat_0mh5u3k2q8Xb7dTcZrYw9aPn', encoding: 'gsm7', parts_per_message: 1,
    accepted: [{ id: `msg_0mh5u3k2q${String(n).padStart(15, '0')}`, to, index: 0, status: 'queued', price_per_part: 10 }],
    rejected: [], cost: { parts: 1, quota_parts: 0, provision: 10 }, currency: 'EUR',
  });
});
app.get('/cpu', async () => {
  const u = process.cpuUsage();
  return { cpu_ms: (u.user + u.system) / 1000, requests: n };
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`port ${typeof address === 'object' && address ? address.port : 0}\n`);
