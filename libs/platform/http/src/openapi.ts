import { SetMetadata, type DynamicModule, type Type } from '@nestjs/common';
import {
  HTTP_CODE_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { z } from 'zod';
import { errorBodySchema } from '@rentguy/contracts';
import { authRequirementOf } from './auth';
import { ZodValidationPipe } from './zod-validation.pipe';

/**
 * The OpenAPI 3.1 description of the public API, read from the Nest metadata the routes already
 * carry (docs/architecture.md#api-contract): paths and methods from the route decorators, request
 * schemas from the zod schemas of their `validate(...)` pipes, security from `@Public`/`@Roles`.
 * What metadata cannot say (a summary, the answer's schema, the errors a rule raises) comes from
 * `@ApiDoc`. Nothing here is maintained by hand per route.
 */

type JsonSchema = Record<string, unknown>;

/** One documented answer of a route. */
export interface ApiResponseDoc {
  description: string;
  /** The answer's body; for an error status, the common `Error` body is used when omitted. */
  schema?: z.ZodType;
  /** The media type of `schema` (JSON unless said). */
  contentType?: string;
}

export interface ApiDocOptions {
  summary?: string;
  description?: string;
  /** Groups in the reference; by default the first path segment after `/v1`. */
  tags?: string[];
  /** By status; the success status defaults to the route's `@HttpCode`. */
  responses?: Record<number, ApiResponseDoc>;
  /** A request body that is not a validated JSON object (multipart upload, a webhook's raw bytes). */
  requestBody?: { contentType: string; description: string; schema?: z.ZodType };
}

const API_DOC = 'rentguy:api-doc';
const API_DOC_EXCLUDED = 'rentguy:api-doc-excluded';

/** What a route's metadata cannot say about it, for the OpenAPI document. */
export const ApiDoc = (options: ApiDocOptions): MethodDecorator => SetMetadata(API_DOC, options);

/** Keeps a controller out of the OpenAPI document (the gateway's proxy: the services document those paths). */
export const ExcludeFromApiDoc = (): ClassDecorator => SetMetadata(API_DOC_EXCLUDED, true);

type ModuleDefinition = Type | DynamicModule | Promise<DynamicModule>;

/**
 * Every controller an app module registers, found by walking its imports statically (no provider is
 * created, so nothing connects anywhere): the routes the app serves, with nothing to list by hand.
 */
export async function collectControllers(root: ModuleDefinition): Promise<Type[]> {
  const seen = new Set<unknown>();
  const controllers = new Set<Type>();
  const visit = async (definition: ModuleDefinition | undefined): Promise<void> => {
    const resolved = await definition;
    if (resolved === undefined || seen.has(resolved)) {
      return;
    }
    seen.add(resolved);
    const moduleClass = typeof resolved === 'function' ? resolved : resolved.module;
    const dynamic: Partial<DynamicModule> = typeof resolved === 'function' ? {} : resolved;
    const own = (key: string): unknown[] =>
      (Reflect.getMetadata(key, moduleClass) as unknown[] | undefined) ?? [];
    for (const controller of [...own('controllers'), ...(dynamic.controllers ?? [])]) {
      controllers.add(controller as Type);
    }
    for (const imported of [...own('imports'), ...(dynamic.imports ?? [])]) {
      await visit(imported as ModuleDefinition);
    }
  };
  await visit(root);
  return [...controllers];
}

/** One operation of the document, before it is placed under its path. */
export interface ApiOperation {
  method: string;
  /** OpenAPI path template (`/v1/bookings/{id}`). */
  path: string;
  operation: JsonSchema;
}

const METHODS: Partial<Record<RequestMethod, string>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.DELETE]: 'delete',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.OPTIONS]: 'options',
  [RequestMethod.HEAD]: 'head',
};

/** Nest's `RouteParamtypes` values that carry request input (`@Body`, `@Query`, `@Param`, `@Headers`). */
const BODY = 3;
const QUERY = 4;
const PARAM = 5;
const HEADERS = 6;

interface RouteArgument {
  index: number;
  data?: string;
  pipes?: unknown[];
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  400: 'validation_failed: a field is invalid or unknown (`details.fields` names each)',
  401: 'unauthenticated: no valid access token',
  403: 'forbidden: the caller has none of the required roles',
  404: 'not_found (also what a caller gets for an object that is not theirs)',
  429: 'rate_limited: `Retry-After` says when to try again',
};

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as a client sends it. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

const joinPath = (...parts: string[]): string =>
  `/${parts
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment !== '')
    .join('/')}`;

/** `:id` → `{id}`; a trailing `*` becomes `{path}` (it may span segments). */
const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{path}');

const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);
const upperFirst = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

const schemaOfPipes = (pipes: unknown[] | undefined): z.ZodType | undefined =>
  pipes?.find((pipe): pipe is ZodValidationPipe<z.ZodType> => pipe instanceof ZodValidationPipe)?.schema;

const errorResponse = (description: string): JsonSchema => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
});

/**
 * The operations of a controller's `/v1` routes. `operationId` is `<controller><Handler>`
 * (`BookingController.create` → `bookingCreate`): the SDK's function names.
 */
export function describeController(controller: Type): ApiOperation[] {
  if (Reflect.getMetadata(API_DOC_EXCLUDED, controller) === true) {
    return [];
  }
  const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '/');
  const prototype = controller.prototype as Record<string, object>;
  const operations: ApiOperation[] = [];
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const handler = name === 'constructor' ? undefined : prototype[name];
    const requestMethod =
      handler && (Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined);
    const method = requestMethod === undefined ? undefined : METHODS[requestMethod];
    if (handler === undefined || method === undefined) {
      continue;
    }
    const subPaths = [Reflect.getMetadata(PATH_METADATA, handler) as string | string[]].flat();
    for (const subPath of subPaths) {
      const path = openApiPath(joinPath(prefix, subPath));
      if (!path.startsWith('/v1/')) {
        continue;
      }
      operations.push({ method, path, operation: describeHandler(controller, name, handler, method, path) });
    }
  }
  return operations;
}

function describeHandler(
  controller: Type,
  name: string,
  handler: object,
  method: string,
  path: string,
): JsonSchema {
  const doc = (Reflect.getMetadata(API_DOC, handler) as ApiDocOptions | undefined) ?? {};
  // Keyed `<RouteParamtypes>:<index>` (custom decorators such as `@CurrentUser` have other keys).
  const routeArgs = Object.entries(
    (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) as
      Record<string, RouteArgument> | undefined) ?? {},
  ).map(([key, arg]) => ({ type: Number(key.split(':')[0]), ...arg }));
  const argsOf = (type: number): RouteArgument[] => routeArgs.filter((arg) => arg.type === type);

  const parameters: JsonSchema[] = [];
  let validated = false;
  const pathNames = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
  for (const pathName of pathNames) {
    const declared = argsOf(PARAM).find((arg) => arg.data === pathName);
    const schema = schemaOfPipes(declared?.pipes);
    validated ||= schema !== undefined;
    parameters.push({
      name: pathName,
      in: 'path',
      required: true,
      schema: schema ? jsonSchemaOf(schema) : { type: 'string' },
    });
  }
  for (const query of argsOf(QUERY)) {
    const schema = schemaOfPipes(query.pipes);
    if (schema === undefined) {
      continue;
    }
    validated = true;
    const objectSchema = jsonSchemaOf(schema);
    const properties = (objectSchema.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((objectSchema.required as string[] | undefined) ?? []);
    for (const [param, paramSchema] of Object.entries(properties)) {
      const { description, ...rest } = paramSchema;
      parameters.push({
        name: param,
        in: 'query',
        required: required.has(param),
        ...(description === undefined ? {} : { description }),
        schema: rest,
      });
    }
  }
  for (const header of argsOf(HEADERS)) {
    if (header.data !== undefined && !['user-agent', 'authorization'].includes(header.data.toLowerCase())) {
      parameters.push({ name: header.data, in: 'header', required: false, schema: { type: 'string' } });
    }
  }

  let requestBody: JsonSchema | undefined;
  const bodySchema = argsOf(BODY)
    .map((arg) => schemaOfPipes(arg.pipes))
    .find((schema) => schema !== undefined);
  if (bodySchema !== undefined) {
    validated = true;
    requestBody = { required: true, content: { 'application/json': { schema: jsonSchemaOf(bodySchema) } } };
  } else if (doc.requestBody !== undefined) {
    requestBody = {
      required: true,
      description: doc.requestBody.description,
      content: {
        [doc.requestBody.contentType]: {
          schema: doc.requestBody.schema ? jsonSchemaOf(doc.requestBody.schema) : {},
        },
      },
    };
  }

  const auth = authRequirementOf(controller, handler);
  const successStatus =
    (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ??
    (method === 'post' ? 201 : 200);
  const responses: Record<string, JsonSchema> = {};
  const success = doc.responses?.[successStatus];
  responses[String(successStatus)] = {
    description: success?.description ?? STATUS_TEXT[successStatus] ?? 'Success',
    ...(success?.schema
      ? {
          content: {
            [success.contentType ?? 'application/json']: { schema: jsonSchemaOf(success.schema, 'output') },
          },
        }
      : {}),
  };
  const standardErrors: number[] = [
    ...(validated ? [400] : []),
    ...(auth.public ? [] : [401]),
    ...(auth.roles.length > 0 ? [403] : []),
    ...(pathNames.length > 0 ? [404] : []),
    429,
  ];
  for (const status of standardErrors) {
    responses[String(status)] = errorResponse(STATUS_TEXT[status] ?? 'error');
  }
  for (const [status, response] of Object.entries(doc.responses ?? {})) {
    if (Number(status) === successStatus) {
      continue;
    }
    responses[status] =
      Number(status) >= 400 && response.schema === undefined
        ? errorResponse(response.description)
        : {
            description: response.description,
            ...(response.schema
              ? {
                  content: {
                    [response.contentType ?? 'application/json']: {
                      schema: jsonSchemaOf(response.schema, 'output'),
                    },
                  },
                }
              : {}),
          };
  }

  const controllerName = controller.name.replace(/Controller$/, '');
  const roles = auth.roles.length > 0 ? `Roles: ${auth.roles.join(', ')} (admins always pass).` : undefined;
  const description = [doc.description, roles].filter((part) => part !== undefined).join('\n\n');
  return {
    operationId: `${lowerFirst(controllerName)}${upperFirst(name)}`,
    tags: doc.tags ?? [path.split('/')[2] ?? 'v1'],
    summary: doc.summary ?? `${method.toUpperCase()} ${path}`,
    ...(description === '' ? {} : { description }),
    // A public route still takes a token (a host reads their own unpublished listing with one).
    security: auth.public ? [{}, { bearerAuth: [] }] : [{ bearerAuth: [] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody === undefined ? {} : { requestBody }),
    responses,
  };
}

/** What the document's `components` always hold: the auth scheme and the common error body. */
export function apiComponents(): JsonSchema {
  return {
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'The `accessToken` of `POST /v1/auth/login` (or register, or refresh); it lives 15 minutes at most.',
      },
    },
    schemas: { ApiError: jsonSchemaOf(errorBodySchema, 'output') },
  };
}

/** A keyset page of `item`s, as every paged list route answers (`nextCursor` null on the last page). */
export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'pass as `cursor` for the next page; null on the last' }),
  });

/** `true` when the type a schema describes and the type the code returns are the same. */
export type SchemaMatches<S extends z.ZodType, T> = [z.infer<S>] extends [T]
  ? [T] extends [z.infer<S>]
    ? true
    : false
  : false;

/** Fails the typecheck where `T` is not `true`: `Holds<SchemaMatches<typeof viewSchema, View>>`. */
export type Holds<T extends true> = T;
