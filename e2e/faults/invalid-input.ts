import fc from 'fast-check';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * Invalid input generated from the public API's own description (libs/sdk/src/openapi.json): the
 * request schemas are JSON Schema 2020-12 written from the zod schemas that validate the requests,
 * so a body this module calls invalid is one Ajv refuses against the same schema.
 */

/** The part of JSON Schema 2020-12 the request schemas use. */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

interface Parameter {
  name: string;
  in: string;
  schema: JsonSchema;
}

interface Operation {
  operationId: string;
  description?: string;
  security?: Record<string, unknown>[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
}

/** One operation of the spec, with what the scenario needs to call it. */
export interface SpecOperation {
  method: string;
  /** The path template, e.g. `/v1/bookings/{id}/payments`. */
  path: string;
  operationId: string;
  /** `public` when the spec lets it be called without a token (`{}` in its security). */
  caller: 'public' | 'guest' | 'host' | 'admin';
  bodySchema: JsonSchema | undefined;
  query: Parameter[];
}

/** The body kinds the scenario sends, each invalid in its own way. */
export type InvalidKind = 'not_json' | 'not_object' | 'unknown_key' | 'missing_required' | 'wrong_property';

export interface InvalidBody {
  kind: InvalidKind;
  text: string;
}

/** Every operation of the spec; the caller is the first role its description names, or a guest. */
export function specOperations(spec: { paths: Record<string, Record<string, Operation>> }): SpecOperation[] {
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => {
      const isPublic = (operation.security ?? []).some(
        (requirement) => Object.keys(requirement).length === 0,
      );
      const role = /Roles: (guest|host|admin)\b/.exec(operation.description ?? '')?.[1] as
        SpecOperation['caller'] | undefined;
      return {
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId,
        caller: isPublic ? 'public' : (role ?? 'guest'),
        bodySchema: operation.requestBody?.content['application/json']?.schema,
        query: (operation.parameters ?? []).filter((parameter) => parameter.in === 'query'),
      };
    }),
  );
}

const ajv = new Ajv2020({ allErrors: false, strict: false });
addFormats(ajv);

/** Whether `text` is a body the schema accepts (bytes that are not JSON never are). */
export function acceptedBy(schema: JsonSchema): (text: string) => boolean {
  const validate = ajv.compile(schema);
  return (text) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return false;
    }
    return validate(value);
  };
}

/** Whether `value` (a query string value) satisfies a query parameter's schema, read as its type. */
export function queryValueAccepted(schema: JsonSchema, value: string): boolean {
  const validate = ajv.compile(schema);
  if (schema.type === 'integer' || schema.type === 'number') {
    return value.trim() !== '' && validate(Number(value));
  }
  return validate(value);
}

const jsonTypeOf = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : typeof value === 'number' && Number.isInteger(value)
        ? 'integer'
        : typeof value;

/** Any JSON value but one of the schema's own type. */
function wrongType(schema: JsonSchema): fc.Arbitrary<unknown> {
  const declared = schema.type === 'number' ? ['number', 'integer'] : [schema.type ?? ''];
  return fc
    .oneof(
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
    )
    .filter(
      (value) =>
        !declared.includes(jsonTypeOf(value)) && !(schema.type === 'number' && typeof value === 'number'),
    );
}

function patternString(pattern: string): fc.Arbitrary<string> {
  try {
    return fc.stringMatching(new RegExp(pattern));
  } catch {
    return fc.string();
  }
}

/** A value the schema most likely accepts (a pattern and a length together may still miss). */
export function plausible(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) {
    return fc.constant(schema.const);
  }
  if (schema.enum) {
    return fc.constantFrom(...schema.enum);
  }
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) {
    return fc.oneof(...branches.map(plausible));
  }
  switch (schema.type) {
    case 'string':
      switch (schema.format) {
        case 'uuid':
          return fc.uuid();
        case 'date':
          return fc
            .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
            .map((d) => d.toISOString().slice(0, 10));
        case 'date-time':
          return fc
            .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
            .map((d) => d.toISOString());
        case 'uri':
          return fc.webUrl();
        case undefined:
        default:
          break;
      }
      if (schema.pattern) {
        return patternString(schema.pattern);
      }
      return fc.string({
        minLength: schema.minLength ?? 0,
        maxLength: Math.min(schema.maxLength ?? 40, (schema.minLength ?? 0) + 40),
      });
    case 'integer':
    case 'number': {
      const min = Math.max(schema.minimum ?? -1_000_000, -1_000_000);
      return fc.integer({ min, max: Math.min(schema.maximum ?? 1_000_000, min + 1_000_000) });
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(plausible(schema.items ?? {}), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, (schema.minItems ?? 0) + 3),
      });
    case 'object':
      return plausibleObject(schema);
    case undefined:
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** The required properties and some of the optional ones, each plausible. */
function plausibleObject(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  return fc.record(
    Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, plausible(property)])),
    { requiredKeys: (schema.required ?? []).filter((name) => name in properties) },
  );
}

/** A value the schema most likely refuses: of the wrong type, or out of one of its bounds. */
export function wrong(schema: JsonSchema): fc.Arbitrary<unknown> {
  const ways: fc.Arbitrary<unknown>[] = [wrongType(schema)];
  if (schema.enum) {
    ways.push(fc.string({ maxLength: 20 }).filter((value) => !schema.enum?.includes(value)));
  }
  if (typeof schema.const === 'boolean') {
    ways.push(fc.constant(!schema.const));
  }
  if (schema.maxLength !== undefined) {
    const max = schema.maxLength;
    ways.push(fc.string({ minLength: max + 1, maxLength: max + 20 }));
  }
  if (schema.minLength !== undefined && schema.minLength > 0) {
    ways.push(fc.string({ maxLength: schema.minLength - 1 }));
  }
  if (schema.pattern !== undefined || schema.format !== undefined) {
    ways.push(fc.string({ maxLength: 40 }));
  }
  if (schema.maximum !== undefined) {
    const max = schema.maximum;
    ways.push(fc.integer({ min: 1, max: 1_000_000 }).map((over) => max + over));
  }
  if (schema.minimum !== undefined) {
    const min = schema.minimum;
    ways.push(fc.integer({ min: 1, max: 1_000_000 }).map((under) => min - under));
  }
  if (schema.type === 'integer') {
    ways.push(plausible(schema).map((n) => Number(n) + 0.5));
  }
  if (schema.type === 'object' && schema.properties) {
    ways.push(invalidObject(schema).map(({ value }) => value));
  }
  if (schema.type === 'array' && schema.maxItems !== undefined) {
    const max = schema.maxItems;
    ways.push(fc.array(plausible(schema.items ?? {}), { minLength: max + 1, maxLength: max + 3 }));
  }
  return fc.oneof(...ways);
}

/** An object next to the schema: an unknown key, a required property missing, or one wrong. */
function invalidObject(schema: JsonSchema): fc.Arbitrary<{ kind: InvalidKind; value: unknown }> {
  const branches = (schema.oneOf ?? schema.anyOf ?? [schema]).filter((branch) => branch.type === 'object');
  return fc.oneof(
    ...branches.flatMap((branch) => {
      const properties = branch.properties ?? {};
      const names = Object.keys(properties);
      const required = (branch.required ?? []).filter((name) => name in properties);
      const kinds: fc.Arbitrary<{ kind: InvalidKind; value: unknown }>[] = [
        fc
          .tuple(
            plausibleObject(branch),
            fc.string({ minLength: 1, maxLength: 20 }).filter((key) => !(key in properties)),
            fc.jsonValue({ maxDepth: 1 }),
          )
          .map(([object, key, extra]) => ({
            kind: 'unknown_key' as const,
            // fromEntries, so that even `__proto__` becomes a key of its own.
            value: Object.fromEntries([...Object.entries(object), [key, extra]]),
          })),
      ];
      if (required.length > 0) {
        kinds.push(
          fc.tuple(plausibleObject(branch), fc.constantFrom(...required)).map(([object, missing]) => ({
            kind: 'missing_required' as const,
            value: Object.fromEntries(Object.entries(object).filter(([name]) => name !== missing)),
          })),
        );
      }
      if (names.length > 0) {
        kinds.push(
          fc.constantFrom(...names).chain((name) =>
            fc
              .tuple(plausibleObject(branch), wrong(properties[name] as JsonSchema))
              .map(([object, value]) => ({
                kind: 'wrong_property' as const,
                value: Object.fromEntries([
                  ...Object.entries(object).filter(([n]) => n !== name),
                  [name, value],
                ]),
              })),
          ),
        );
      }
      return kinds;
    }),
  );
}

/** Bodies for an operation's JSON schema: not JSON, not an object, or an object next to it. */
export function invalidBodies(schema: JsonSchema): fc.Arbitrary<InvalidBody> {
  const notJson = fc.string({ unit: 'binary', maxLength: 40 }).filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  });
  const notObject = fc.oneof(
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
    fc.string(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
  );
  return fc.oneof(
    { weight: 1, arbitrary: notJson.map((text) => ({ kind: 'not_json' as const, text })) },
    {
      weight: 1,
      arbitrary: notObject.map((value) => ({ kind: 'not_object' as const, text: JSON.stringify(value) })),
    },
    {
      weight: 6,
      arbitrary: invalidObject(schema).map(({ kind, value }) => ({ kind, text: JSON.stringify(value) })),
    },
  );
}

/**
 * Query strings for an operation's query parameters: one or more of them out of their schemas, the
 * others plausible or absent, sometimes with keys the operation does not know.
 */
export function invalidQueries(parameters: Parameter[]): fc.Arbitrary<Record<string, string>> {
  const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  const known = new Set(parameters.map((parameter) => parameter.name));
  return fc
    .tuple(
      fc.constantFrom(...parameters),
      fc.record(
        Object.fromEntries(
          parameters.map((parameter) => [parameter.name, plausible(parameter.schema).map(asText)]),
        ),
        { requiredKeys: [] },
      ),
      fc.dictionary(
        fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !known.has(key)),
        fc.string({ maxLength: 20 }),
        { maxKeys: 2 },
      ),
    )
    .chain(([target, others, extra]) =>
      wrong(target.schema).map((value) => {
        const present = Object.entries(others).filter(
          (entry): entry is [string, string] => entry[1] !== undefined,
        );
        return { ...extra, ...Object.fromEntries(present), [target.name]: asText(value) };
      }),
    );
}
