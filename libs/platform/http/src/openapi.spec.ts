import 'reflect-metadata';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Module,
  Param,
  Post,
  Query,
  type DynamicModule,
} from '@nestjs/common';
import { z } from 'zod';
import { Public, Roles } from './auth';
import { ApiDoc, collectControllers, describeController, ExcludeFromApiDoc } from './openapi';
import { validate } from './zod-validation.pipe';

const createWidgetSchema = z.strictObject({ name: z.string().min(1), size: z.number().int().default(1) });
const listQuerySchema = z.strictObject({ limit: z.string().optional(), colour: z.enum(['red', 'blue']) });
const widgetSchema = z.object({ id: z.uuid(), name: z.string() });

@Controller('v1/widgets')
class WidgetController {
  @Post()
  @Roles('host')
  @ApiDoc({
    summary: 'Make a widget',
    responses: { 201: { description: 'made', schema: widgetSchema }, 409: { description: 'taken' } },
  })
  create(@Body(validate(createWidgetSchema)) body: unknown): unknown {
    return body;
  }

  @Get()
  @Public()
  list(@Query(validate(listQuerySchema)) query: unknown): unknown {
    return query;
  }

  @Post(':id/polish')
  @HttpCode(204)
  polish(@Param('id') id: string): string {
    return id;
  }

  @Get(':id')
  @Public()
  get(@Param('id', validate(z.uuid())) id: string): string {
    return id;
  }
}

@Controller('internal/v1/widgets')
class InternalWidgetController {
  @Get()
  list(): string {
    return 'internal';
  }
}

@ExcludeFromApiDoc()
@Controller()
class ProxyController {
  @Get('v1/anything')
  forward(): string {
    return 'proxied';
  }
}

@Module({ controllers: [InternalWidgetController] })
class InnerModule {}

@Module({})
class WidgetModule {
  static forRoot(): DynamicModule {
    return {
      module: WidgetModule,
      imports: [InnerModule, Promise.resolve({ module: class Async {}, controllers: [ProxyController] })],
      controllers: [WidgetController],
    };
  }
}

const byPath = (method: string, path: string) => {
  const found = describeController(WidgetController).find((op) => op.method === method && op.path === path);
  if (found === undefined) {
    throw new Error(`${method} ${path} not described`);
  }
  return found.operation as Record<string, unknown> & {
    parameters?: Record<string, unknown>[];
    responses: Record<string, Record<string, unknown>>;
  };
};

describe('the OpenAPI description of routes', () => {
  it('finds every controller an app module registers, through static, dynamic and async imports', async () => {
    const controllers = await collectControllers(WidgetModule.forRoot());

    expect(controllers.map((c) => c.name).sort()).toEqual([
      'InternalWidgetController',
      'ProxyController',
      'WidgetController',
    ]);
  });

  it('documents /v1 routes only, and none of an excluded controller', () => {
    expect(describeController(InternalWidgetController)).toEqual([]);
    expect(describeController(ProxyController)).toEqual([]);
    expect(describeController(WidgetController).map((op) => `${op.method} ${op.path}`)).toEqual([
      'post /v1/widgets',
      'get /v1/widgets',
      'post /v1/widgets/{id}/polish',
      'get /v1/widgets/{id}',
    ]);
  });

  it('takes the request body from the zod schema that validates it, as the client sends it', () => {
    const create = byPath('post', '/v1/widgets');

    expect(create.operationId).toBe('widgetCreate');
    expect(create.summary).toBe('Make a widget');
    expect(create.requestBody).toEqual({
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              name: { type: 'string', minLength: 1 },
              size: { type: 'integer', default: 1, minimum: expect.any(Number), maximum: expect.any(Number) },
            },
            required: ['name'],
            additionalProperties: false,
          },
        },
      },
    });
  });

  it('says who may call: a bearer token and roles, or public with an optional token', () => {
    const create = byPath('post', '/v1/widgets');
    const list = byPath('get', '/v1/widgets');

    expect(create.security).toEqual([{ bearerAuth: [] }]);
    expect(create.description).toContain('Roles: host');
    expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '403', '409', '429']);
    expect(create.responses['201']).toMatchObject({
      content: { 'application/json': { schema: { properties: { id: { format: 'uuid' } } } } },
    });
    expect(create.responses['409']).toEqual({
      description: 'taken',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
    });
    expect(list.security).toEqual([{}, { bearerAuth: [] }]);
    expect(Object.keys(list.responses).sort()).toEqual(['200', '400', '429']);
  });

  it('turns a validated query into its parameters, and path templates into path parameters', () => {
    const list = byPath('get', '/v1/widgets');
    const polish = byPath('post', '/v1/widgets/{id}/polish');

    expect(list.parameters).toEqual([
      { name: 'limit', in: 'query', required: false, schema: { type: 'string' } },
      { name: 'colour', in: 'query', required: true, schema: { type: 'string', enum: ['red', 'blue'] } },
    ]);
    expect(polish.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
    ]);
    expect(Object.keys(polish.responses).sort()).toEqual(['204', '401', '404', '429']);
  });

  it('takes a path parameter from the zod schema that validates it, and then says it may be refused', () => {
    const get = byPath('get', '/v1/widgets/{id}');

    expect(get.parameters).toEqual([
      {
        name: 'id',
        in: 'path',
        required: true,
        schema: expect.objectContaining({ type: 'string', format: 'uuid' }),
      },
    ]);
    expect(Object.keys(get.responses).sort()).toEqual(['200', '400', '404', '429']);
  });
});
