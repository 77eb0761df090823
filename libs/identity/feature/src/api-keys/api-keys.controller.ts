import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiDoc, CurrentUser, validate, type Principal } from '@rentguy/platform/http';
import { originOf } from '@rentguy/platform/http';
import {
  apiKeyIdSchema,
  createApiKeySchema,
  type ApiKeyView,
  type CreateApiKeyDto,
  type CreatedApiKey,
} from './api-key.dto';
import { ApiKeysService } from './api-keys.service';
import { apiKeyListSchema, createdApiKeySchema } from '../identity-view.schemas';

/** A signed-in user's API keys. API keys themselves cannot call these routes (`api-key.scopes.ts`). */
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @ApiDoc({
    summary: 'Create an API key; its secret is in this answer and nowhere else, ever',
    responses: {
      201: { description: 'the key, with its secret `key`', schema: createdApiKeySchema },
    },
  })
  create(
    @CurrentUser() user: Principal,
    @Body(validate(createApiKeySchema)) dto: CreateApiKeyDto,
    @Req() request: FastifyRequest,
  ): Promise<CreatedApiKey> {
    return this.keys.create(user, dto, originOf(request));
  }

  @Get()
  @Header('Cache-Control', 'private, no-store')
  @ApiDoc({
    summary: "The caller's live API keys, without their secrets",
    responses: { 200: { description: 'every live key of the caller', schema: apiKeyListSchema } },
  })
  list(@CurrentUser() user: Principal): Promise<{ items: ApiKeyView[] }> {
    return this.keys.list(user);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDoc({ summary: 'Revoke one of the caller’s API keys; it stops working at once' })
  async revoke(
    @CurrentUser() user: Principal,
    @Param('id', validate(apiKeyIdSchema)) id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.keys.revoke(user, id, originOf(request));
  }
}
