import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as contacts from '../../../modules/contacts/index.js';
import { principalOf } from '../../auth.js';
import type { HttpDeps } from '../../deps.js';
import { IdParams, Nullable, errorResponses } from '../../schemas.js';
import { AddressBook, BookFilter, ContactFields, ContactSchema, Page, contactView, viewerOf } from './contact-views.js';

const read = { scope: 'contacts:read' } as const;
const write = { scope: 'contacts:write' } as const;

export const contactRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/v1/contacts', {
    config: { auth: read },
    schema: {
      tags: ['contacts'],
      summary: 'Contacts in name order; search by name, organisation, number, email or tag',
      querystring: Type.Object({
        q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of a name, organisation, email, tag, or digits of a number (national or international)' })),
        tag: Type.Optional(Type.String({ maxLength: 50 })),
        address_book: Type.Optional(BookFilter),
        ...Page,
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(ContactSchema), next_cursor: Nullable(Type.String()) }), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query;
    const page = await contacts.searchContacts(deps.db, viewerOf(principalOf(request)), {
      limit: q.limit,
      ...(q.q && { q: q.q }),
      ...(q.tag && { tag: q.tag }),
      ...(q.address_book && { addressBook: q.address_book }),
      ...(q.cursor && { cursor: q.cursor }),
    });
    return { data: page.data.map(contactView), next_cursor: page.nextCursor };
  });

  app.post('/v1/contacts', {
    config: { auth: write },
    schema: {
      tags: ['contacts'],
      summary: 'Create a contact; numbers are checked and stored in international format',
      body: Type.Object({ ...ContactFields, address_book: Type.Optional(AddressBook) }, { additionalProperties: false }),
      response: { 201: ContactSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const { address_book, ...fields } = request.body;
    const contact = await contacts.createContact(deps.db, viewerOf(principalOf(request)), { ...fields, ...(address_book && { addressBook: address_book }) });
    return reply.status(201).send(contactView(contact));
  });

  app.get('/v1/contacts/:id', {
    config: { auth: read },
    schema: { tags: ['contacts'], summary: 'One contact', params: IdParams, response: { 200: ContactSchema, ...errorResponses } },
  }, async (request) => contactView(await contacts.getContact(deps.db, viewerOf(principalOf(request)), request.params.id)));

  app.patch('/v1/contacts/:id', {
    config: { auth: write },
    schema: {
      tags: ['contacts'],
      summary: 'Change a contact; a list given (phones, emails, tags) replaces the old one',
      params: IdParams,
      body: Type.Partial(Type.Object(ContactFields), { additionalProperties: false, minProperties: 1 }),
      response: { 200: ContactSchema, ...errorResponses },
    },
  }, async (request) => contactView(await contacts.updateContact(deps.db, viewerOf(principalOf(request)), request.params.id, request.body)));

  app.delete('/v1/contacts/:id', {
    config: { auth: write },
    schema: { tags: ['contacts'], summary: 'Delete a contact (and its list memberships)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await contacts.deleteContact(deps.db, viewerOf(principalOf(request)), request.params.id);
    return reply.status(204).send(null);
  });
};
