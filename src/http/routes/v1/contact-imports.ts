import { Readable } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as contacts from '../../../modules/contacts/index.js';
import { principalOf } from '../../auth.js';
import type { HttpDeps } from '../../deps.js';
import { IdParams, Nullable, errorResponses } from '../../schemas.js';
import { AddressBook, BookFilter, viewerOf } from './contact-views.js';

const FILE_TYPES = ['text/csv', 'text/vcard', 'text/x-vcard', 'text/directory', 'text/plain', 'application/octet-stream', 'application/vnd.ms-excel'];

const ImportSchema = Type.Object({
  id: Type.String(),
  address_book: AddressBook,
  format: Type.String(),
  status: Type.Union(['uploaded', 'queued', 'running', 'done', 'failed', 'cancelled'].map((s) => Type.Literal(s))),
  bytes: Type.Integer(),
  progress: Type.Number({ description: '0 to 1' }),
  rows: Type.Integer({ description: 'Rows (or cards) read so far' }),
  created: Type.Integer(),
  merged: Type.Integer({ description: 'Rows merged into a contact with the same number' }),
  failed: Type.Integer({ description: 'Rows refused; see /errors' }),
  error: Nullable(Type.String()),
  list_id: Nullable(Type.String({ description: 'The list every imported or merged contact joins' })),
  created_at: Type.String({ format: 'date-time' }),
  started_at: Nullable(Type.String({ format: 'date-time' })),
  finished_at: Nullable(Type.String({ format: 'date-time' })),
});

const Field = Type.Union(contacts.CONTACT_FIELDS.map((f) => Type.Literal(f)));
const OptionsSchema = Type.Object({
  encoding: Type.Optional(Type.Union([Type.Literal('utf-8'), Type.Literal('utf-16le'), Type.Literal('utf-16be'), Type.Literal('windows-1252')])),
  delimiter: Type.Optional(Type.Union([Type.Literal(','), Type.Literal(';'), Type.Literal('\t'), Type.Literal('|')])),
  has_header: Type.Optional(Type.Boolean()),
  mapping: Type.Optional(Type.Array(Field, { maxItems: 500, description: 'One field per column, in column order; "ignore" skips a column' })),
}, { additionalProperties: false });

const PreviewSchema = Type.Object({
  options: Type.Object({ format: Type.String(), encoding: Type.String(), delimiter: Type.String(), has_header: Type.Boolean(), mapping: Type.Array(Type.String()) }),
  columns: Type.Array(Type.String()),
  rows: Type.Array(Type.Object({
    line: Type.Integer(),
    contact: Nullable(Type.Object({ name: Type.String(), organisation: Nullable(Type.String()), phones: Type.Array(Type.Object({ type: Type.String(), number: Type.String() })), emails: Type.Array(Type.String()), tags: Type.Array(Type.String()) })),
    error: Nullable(Type.Object({ field: Nullable(Type.String()), reason: Type.String(), code: Nullable(Type.String({ description: 'Why, as a code: name_missing, not_mobile, …' })) })),
  })),
});

const view = (i: contacts.ContactImport): Static<typeof ImportSchema> => ({
  id: i.id, address_book: i.addressBook, format: i.format, status: i.status, bytes: i.bytes, progress: i.progress, rows: i.rows,
  created: i.created, merged: i.merged, failed: i.failed, error: i.error, list_id: i.listId, created_at: i.createdAt.toISOString(),
  started_at: i.startedAt?.toISOString() ?? null, finished_at: i.finishedAt?.toISOString() ?? null,
});
const previewView = (p: contacts.ImportPreview): Static<typeof PreviewSchema> => ({
  options: { format: p.options.format, encoding: p.options.encoding, delimiter: p.options.delimiter, has_header: p.options.hasHeader, mapping: p.options.mapping },
  columns: p.columns,
  rows: p.rows,
});
const optionsOf = (b: Static<typeof OptionsSchema> | undefined) => ({
  ...(b?.encoding && { encoding: b.encoding }), ...(b?.delimiter && { delimiter: b.delimiter }),
  ...(b?.has_header !== undefined && { hasHeader: b.has_header }), ...(b?.mapping && { mapping: b.mapping }),
});

const read = { scope: 'contacts:read' } as const;
const write = { scope: 'contacts:write' } as const;

export const contactImportRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(FILE_TYPES, (_request, payload, done) => done(null, payload));

  app.post('/v1/contact-imports', {
    config: { auth: write },
    schema: {
      tags: ['contacts'],
      summary: 'Upload a CSV or vCard (3.0, 4.0) file to import; answers with a preview of the first rows',
      description: `Send the file as the body (Content-Type text/csv or text/vcard), up to ${contacts.MAX_IMPORT_BYTES / 1024 / 1024} MB. Nothing is imported until POST …/start.`,
      querystring: Type.Object({
        format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('vcard')])), address_book: Type.Optional(AddressBook),
        list: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A list every imported or merged contact joins' })),
      }, { additionalProperties: false }),
      response: { 201: Type.Intersect([ImportSchema, Type.Object({ preview: PreviewSchema })]), ...errorResponses },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    const body = request.body instanceof Readable ? request.body : Readable.from([]);
    const imported = await contacts.uploadImport(deps.db, { ...viewerOf(p), actorId: p.userId ?? p.apiKeyId }, {
      ...(request.query.format && { format: request.query.format }),
      ...(request.query.address_book && { addressBook: request.query.address_book }),
      ...(request.query.list && { list: request.query.list }),
      ...(request.headers['content-type'] && { contentType: request.headers['content-type'] }),
    }, body);
    return reply.status(201).send({ ...view(imported), preview: previewView(imported.preview) });
  });

  app.get('/v1/contact-imports', {
    config: { auth: read },
    schema: {
      tags: ['contacts'], summary: 'Recent imports, newest first',
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }), cursor: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(ImportSchema), next_cursor: Nullable(Type.String()) }), ...errorResponses },
    },
  }, async (request) => {
    const page = await contacts.listImports(deps.db, viewerOf(principalOf(request)), { limit: request.query.limit, ...(request.query.cursor && { cursor: request.query.cursor }) });
    return { data: page.data.map(view), next_cursor: page.nextCursor };
  });

  app.get('/v1/contact-imports/:id', {
    config: { auth: read },
    schema: { tags: ['contacts'], summary: 'An import\'s status and progress', params: IdParams, response: { 200: ImportSchema, ...errorResponses } },
  }, async (request) => view(await contacts.getImport(deps.db, viewerOf(principalOf(request)), request.params.id)));

  app.post('/v1/contact-imports/:id/preview', {
    config: { auth: write },
    schema: { tags: ['contacts'], summary: 'The first rows as they would be imported with these options', params: IdParams, body: OptionsSchema, response: { 200: PreviewSchema, ...errorResponses } },
  }, async (request) => previewView(await contacts.previewImport(deps.db, viewerOf(principalOf(request)), request.params.id, optionsOf(request.body))));

  app.post('/v1/contact-imports/:id/start', {
    config: { auth: write },
    schema: {
      tags: ['contacts'], summary: 'Run the import with these options (guessed ones otherwise); rows with a number already in the book are merged',
      params: IdParams, body: Type.Optional(OptionsSchema), response: { 202: ImportSchema, ...errorResponses },
    },
  }, async (request, reply) => reply.status(202).send(view(await contacts.startImport(deps.db, viewerOf(principalOf(request)), request.params.id, optionsOf(request.body)))));

  app.get('/v1/contact-imports/:id/errors', {
    config: { auth: read },
    schema: {
      tags: ['contacts'], summary: 'The refused rows, each with its line, field and reason', params: IdParams,
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }), cursor: Type.Optional(Type.String({ maxLength: 12 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(Type.Object({ line: Type.Integer(), field: Nullable(Type.String()), reason: Type.String(), code: Nullable(Type.String()) })), next_cursor: Nullable(Type.String()) }), ...errorResponses },
    },
  }, async (request) => {
    const page = await contacts.listImportErrors(deps.db, viewerOf(principalOf(request)), request.params.id, { limit: request.query.limit, ...(request.query.cursor && { cursor: request.query.cursor }) });
    return { data: page.data, next_cursor: page.nextCursor };
  });

  app.delete('/v1/contact-imports/:id', {
    config: { auth: write },
    schema: { tags: ['contacts'], summary: 'Cancel an import; contacts already imported stay', params: IdParams, response: { 200: ImportSchema, ...errorResponses } },
  }, async (request) => view(await contacts.cancelImport(deps.db, viewerOf(principalOf(request)), request.params.id)));

  app.get('/v1/contacts/export', {
    config: { auth: read },
    schema: {
      tags: ['contacts'], summary: 'Download the address book, or one list\'s members, as CSV or vCard',
      querystring: Type.Object({
        format: Type.Union([Type.Literal('csv'), Type.Literal('vcard')]),
        version: Type.Optional(Type.Union([Type.Literal('3.0'), Type.Literal('4.0')])),
        address_book: Type.Optional(BookFilter),
        tag: Type.Optional(Type.String({ maxLength: 50 })),
        list: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only the members of this list (nested lists included); raw numbers and addresses become contacts named by themselves' })),
      }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const q = request.query;
    const source = contacts.exportContacts(deps.db, viewerOf(principalOf(request)), {
      format: q.format, ...(q.version && { version: q.version }), ...(q.address_book && { addressBook: q.address_book }), ...(q.tag && { tag: q.tag }), ...(q.list && { list: q.list }),
    });
    // The first piece is read before answering, so an unknown list is a 404 rather than a broken download.
    const first = await source.next();
    const csv = q.format === 'csv';
    reply.header('content-type', csv ? 'text/csv; charset=utf-8' : 'text/vcard; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="contacts.${csv ? 'csv' : 'vcf'}"`);
    return reply.send(Readable.from((async function* () {
      if (!first.done) yield first.value;
      yield* source;
    })()));
  });
};
