import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as contacts from '../../../modules/contacts/index.js';
import { principalOf } from '../../auth.js';
import type { HttpDeps } from '../../deps.js';
import { IdParams, Nullable, errorResponses } from '../../schemas.js';
import { AddressBook, BookFilter, ListSchema, MemberInputSchema, MemberSchema, Page, listView, viewerOf } from './contact-views.js';

const read = { scope: 'contacts:read' } as const;
const write = { scope: 'contacts:write' } as const;
const ListName = Type.String({ minLength: 1, maxLength: 200 });
const Description = Nullable(Type.String({ maxLength: 2000 }));
const MemberParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), member_id: Type.String({ minLength: 1, maxLength: 20 }) }, { additionalProperties: false });

export const listRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/v1/lists', {
    config: { auth: read },
    schema: {
      tags: ['lists'],
      summary: 'Distribution lists in name order',
      querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })), address_book: Type.Optional(BookFilter), ...Page }, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(ListSchema), next_cursor: Nullable(Type.String()) }), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query;
    const page = await contacts.searchLists(deps.db, viewerOf(principalOf(request)), {
      limit: q.limit, ...(q.q && { q: q.q }), ...(q.address_book && { addressBook: q.address_book }), ...(q.cursor && { cursor: q.cursor }),
    });
    return { data: page.data.map(listView), next_cursor: page.nextCursor };
  });

  app.post('/v1/lists', {
    config: { auth: write },
    schema: {
      tags: ['lists'],
      summary: 'Create a distribution list',
      body: Type.Object({ name: ListName, description: Type.Optional(Description), address_book: Type.Optional(AddressBook) }, { additionalProperties: false }),
      response: { 201: ListSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const b = request.body;
    const list = await contacts.createList(deps.db, viewerOf(principalOf(request)), {
      name: b.name, ...(b.description !== undefined && { description: b.description }), ...(b.address_book && { addressBook: b.address_book }),
    });
    return reply.status(201).send(listView(list));
  });

  app.get('/v1/lists/:id', {
    config: { auth: read },
    schema: { tags: ['lists'], summary: 'One list', params: IdParams, response: { 200: ListSchema, ...errorResponses } },
  }, async (request) => listView(await contacts.getList(deps.db, viewerOf(principalOf(request)), request.params.id)));

  app.patch('/v1/lists/:id', {
    config: { auth: write },
    schema: {
      tags: ['lists'], summary: 'Rename a list or change its description', params: IdParams,
      body: Type.Object({ name: Type.Optional(ListName), description: Type.Optional(Description) }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: ListSchema, ...errorResponses },
    },
  }, async (request) => listView(await contacts.updateList(deps.db, viewerOf(principalOf(request)), request.params.id, request.body)));

  app.delete('/v1/lists/:id', {
    config: { auth: write },
    schema: { tags: ['lists'], summary: 'Delete a list (its contacts stay)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await contacts.deleteList(deps.db, viewerOf(principalOf(request)), request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/v1/lists/:id/members', {
    config: { auth: read },
    schema: {
      tags: ['lists'], summary: 'The direct members of a list, in the order they were added', params: IdParams,
      querystring: Type.Object(Page, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(MemberSchema), next_cursor: Nullable(Type.String()) }), ...errorResponses },
    },
  }, async (request) => {
    const page = await contacts.listMembers(deps.db, viewerOf(principalOf(request)), request.params.id, {
      limit: request.query.limit, ...(request.query.cursor && { cursor: request.query.cursor }),
    });
    return { data: page.data, next_cursor: page.nextCursor };
  });

  app.post('/v1/lists/:id/members', {
    config: { auth: write },
    schema: {
      tags: ['lists'],
      summary: 'Add contacts, numbers, addresses or other lists; members already there are kept once',
      params: IdParams,
      body: Type.Object({ members: Type.Array(MemberInputSchema, { minItems: 1, maxItems: 10_000 }) }, { additionalProperties: false }),
      response: { 201: Type.Object({ added: Type.Array(MemberSchema) }), ...errorResponses },
    },
  }, async (request, reply) => {
    const added = await contacts.addListMembers(deps.db, viewerOf(principalOf(request)), request.params.id, request.body.members);
    return reply.status(201).send({ added });
  });

  app.delete('/v1/lists/:id/members/:member_id', {
    config: { auth: write },
    schema: { tags: ['lists'], summary: 'Remove one member', params: MemberParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await contacts.removeListMember(deps.db, viewerOf(principalOf(request)), request.params.id, request.params.member_id);
    return reply.status(204).send(null);
  });
};
