import { Ajv, type ValidateFunction } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import spec from './openapi.snapshot.json';

// Checks the web tests' fake answers and the requests the app sends against
// the server's OpenAPI spec (a snapshot, refreshed by `npm run openapi:snapshot`),
// so a fake cannot drift from what Herald really says.

type Schema = Record<string, unknown>;
interface Operation {
  parameters?: { in: string; name: string; required?: boolean; schema: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
type PathItem = Record<string, Operation>;

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
type AddFormats = (ajv: Ajv) => Ajv;
const wrapped = addFormatsModule as unknown as { default: AddFormats & { default?: AddFormats } };
const addFormats = wrapped.default.default ?? wrapped.default;

const answers = addFormats(new Ajv({ allErrors: true, strict: false }));
const requests = addFormats(new Ajv({ allErrors: true, strict: false, useDefaults: true }));
const coercing = addFormats(new Ajv({ allErrors: true, strict: false, coerceTypes: 'array' }));

const paths = (spec as unknown as { paths: Record<string, PathItem> }).paths;
// Literal paths before templates, as the server's router prefers them (/v1/contacts/export
// before /v1/contacts/{id}); its routes are per method, so the first path with the method wins.
const templates = Object.keys(paths)
  .map((template) => ({
    template,
    params: (template.match(/\{/g) ?? []).length,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)')}$`),
    names: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
  }))
  .sort((a, b) => a.params - b.params);

export interface Route {
  key: string;
  operation: Operation;
  pathParams: Record<string, string>;
}

/** The operation behind "METHOD /path", or why there is none. */
export function findRoute(method: string, path: string): Route | string {
  const matching = templates.filter((t) => t.pattern.test(path));
  if (!matching.length) return `${method} ${path}: no such path in the API`;
  const hit = matching.find((t) => paths[t.template]![method.toLowerCase()]);
  if (!hit) return `${method} ${path}: ${matching[0]!.template} has no ${method} (it has ${Object.keys(paths[matching[0]!.template]!).join(', ').toUpperCase()})`;
  const operation = paths[hit.template]![method.toLowerCase()]!;
  const values = hit.pattern.exec(path)!.slice(1);
  const pathParams = Object.fromEntries(hit.names.map((name, i) => [name, decodeURIComponent(values[i]!)]));
  return { key: `${method} ${hit.template}`, operation, pathParams };
}

/** The status a plain fake answer gets: the operation's success status. */
export function successStatus(route: Route): number {
  const ok = Object.keys(route.operation.responses ?? {}).map(Number).filter((s) => s >= 200 && s < 300);
  return ok[0] ?? 200;
}

/** Problems with the query string and path parameters the app sent. */
export function checkParameters(route: Route, url: URL): string[] {
  const problems: string[] = [];
  const declared = route.operation.parameters ?? [];
  for (const name of new Set(url.searchParams.keys())) {
    if (!declared.some((p) => p.in === 'query' && p.name === name)) problems.push(`${route.key}: query parameter "${name}" is not in the API`);
  }
  for (const param of declared) {
    if (param.in !== 'query' && param.in !== 'path') continue;
    const value = param.in === 'query' ? url.searchParams.get(param.name) : route.pathParams[param.name];
    if (value === null || value === undefined) {
      // The server fills in a default (ajv useDefaults), so such a parameter may be left out.
      if (param.required && param.schema.default === undefined) problems.push(`${route.key}: ${param.in} parameter "${param.name}" is required`);
      continue;
    }
    // Text converted as the server does: coercion works on a property, not a bare value.
    const validate = compiledParameter(param.schema);
    if (!validate({ value })) problems.push(`${route.key}: ${param.in} parameter "${param.name}"=${JSON.stringify(value)} ${describe(validate)}`);
  }
  return problems;
}

/** Problems with a request body the app sent. */
export function checkRequest(route: Route, body: unknown, contentType: string | undefined): string[] {
  const jsonSchema = route.operation.requestBody?.content?.['application/json']?.schema;
  // A raw body (a file upload) is the route's own business; the spec does not describe it.
  if (!contentType?.startsWith('application/json')) {
    // Fastify validates a missing body as null.
    return body === undefined && jsonSchema ? validateAgainst(jsonSchema, null, `${route.key} request without a body`, requests) : [];
  }
  if (!jsonSchema) return [`${route.key}: sent a JSON body, but the API takes none`];
  // On a copy: the server fills in defaults, and the test may read the body it recorded.
  return validateAgainst(jsonSchema, structuredClone(body), `${route.key} request body`, requests);
}

/** Problems with a faked answer: its status must be declared and its body match. */
export function checkResponse(route: Route, status: number, body: string, contentType: string | null): string[] {
  const declared = route.operation.responses?.[String(status)];
  // Any route may answer a 5xx with the error body (the error handler's, or 503 while closing).
  if (!declared && status >= 500) return validateAgainst(errorSchema(), parse(body), `${route.key} ${status}`);
  if (!declared) return [`${route.key}: answers ${status}, which the API does not declare (${Object.keys(route.operation.responses ?? {}).join(', ')})`];
  const schema = declared.content?.['application/json']?.schema;
  if (status === 204) return body === '' ? [] : [`${route.key}: a 204 has no body, the fake gives ${body.slice(0, 80)}`];
  if (!schema) return [];
  if (!contentType?.includes('json')) return [`${route.key} ${status}: the API answers JSON, the fake ${contentType ?? 'no content type'}`];
  return validateAgainst(schema, parse(body), `${route.key} ${status}`);
}

function errorSchema(): Schema {
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item)) {
      const schema = op.responses?.['400']?.content?.['application/json']?.schema;
      if (schema) return schema;
    }
  }
  throw new Error('the spec has no error answer');
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return Symbol.for('not JSON');
  }
}

function validateAgainst(schema: Schema, value: unknown, what: string, ajv = answers): string[] {
  if (typeof value === 'symbol') return [`${what}: not JSON`];
  const validate = compiled(ajv, schema);
  return validate(value) ? [] : [`${what}: ${describe(validate)}`];
}

function describe(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .map((e) => {
      const where = e.instancePath || '(top)';
      const extra = e.keyword === 'additionalProperties' ? e.params.additionalProperty : undefined;
      if (extra !== undefined) return `${where} has "${String(extra)}", which the API does not have`;
      return `${where} ${e.message ?? e.keyword}`;
    })
    .join('; ');
}

// By content: every route repeats the error schema, and compiling is the slow part.
const bodies = new Map<Ajv, Map<string, ValidateFunction>>([[answers, new Map()], [requests, new Map()]]);
function compiled(ajv: Ajv, schema: Schema): ValidateFunction {
  const cache = bodies.get(ajv)!;
  const key = JSON.stringify(schema);
  const validate = cache.get(key) ?? ajv.compile(closed(schema));
  cache.set(key, validate);
  return validate;
}

const parameters = new Map<string, ValidateFunction>();
function compiledParameter(schema: Schema): ValidateFunction {
  const key = JSON.stringify(schema);
  const validate = parameters.get(key) ?? coercing.compile({ type: 'object', properties: { value: schema } });
  parameters.set(key, validate);
  return validate;
}

/**
 * A copy of the schema where an object takes only the properties the API lists,
 * unless the schema itself allows more: the server serialises answers by their
 * schema, so a property it does not list never reaches the app. Objects joined
 * by allOf (TypeBox's Composite) become one, so that each part does not refuse
 * the other's properties.
 */
function closed(schema: unknown): Schema {
  if (Array.isArray(schema)) return schema.map(closed) as unknown as Schema;
  if (!schema || typeof schema !== 'object') return schema as Schema;
  const merged = mergeAllOf(schema as Schema);
  const out: Schema = {};
  for (const [key, value] of Object.entries(merged)) {
    if (key === 'properties') out[key] = Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, closed(v)]));
    else if (key === 'enum' || key === 'required') out[key] = value;
    else out[key] = typeof value === 'object' ? closed(value) : value;
  }
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

function mergeAllOf(schema: Schema): Schema {
  const parts = schema.allOf as Schema[] | undefined;
  if (!parts?.every((p) => p.type === 'object' && !p.allOf)) return schema;
  const { allOf: _, ...rest } = schema;
  return {
    ...rest,
    type: 'object',
    properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
    required: parts.flatMap((p) => (p.required as string[] | undefined) ?? []),
    ...(parts.some((p) => 'additionalProperties' in p) && { additionalProperties: parts.find((p) => 'additionalProperties' in p)!.additionalProperties }),
  };
}
