import { Body, Controller, Get, Header, HttpCode, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { unsubscribePage } from '@rentguy/notifications/domain';
import {
  ApiDoc,
  CurrentUser,
  originOf,
  pageSchema,
  Public,
  Roles,
  validate,
  type Principal,
  type Page,
} from '@rentguy/platform/http';
import { z } from 'zod';
import { NotificationHistoryService } from './notification-history.service';
import {
  adminDeliveriesQuerySchema,
  myNotificationsQuerySchema,
  unsubscribeQuerySchema,
  updatePreferencesSchema,
  type AdminDeliveriesQuery,
  type MyNotificationsQuery,
  type UnsubscribeQuery,
  type UpdatePreferencesDto,
} from './notifications.dto';
import {
  deliveryViewSchema,
  notificationViewSchema,
  preferencesViewSchema,
} from './notifications-view.schemas';
import type { DeliveryView, NotificationView, PreferencesView } from './notifications.views';
import { PreferencesService, type UnsubscribeOutcome } from './preferences.service';

/** The caller's own emails and notification preferences. */
@Controller('v1/me')
export class MyNotificationsController {
  constructor(
    private readonly history: NotificationHistoryService,
    private readonly preferences: PreferencesService,
  ) {}

  @Get('notifications')
  @ApiDoc({
    summary: 'List the emails the platform sent the caller, newest first',
    responses: { 200: { description: 'a page of emails', schema: pageSchema(notificationViewSchema) } },
  })
  list(
    @CurrentUser() user: Principal,
    @Query(validate(myNotificationsQuerySchema)) query: MyNotificationsQuery,
  ): Promise<Page<NotificationView>> {
    return this.history.listOwn(user, query);
  }

  @Get('notification-preferences')
  @ApiDoc({
    summary: "Read the caller's email preferences by category",
    responses: { 200: { description: 'every category', schema: preferencesViewSchema } },
  })
  getPreferences(@CurrentUser() user: Principal): Promise<PreferencesView> {
    return this.preferences.get(user);
  }

  @Put('notification-preferences')
  @ApiDoc({
    summary: "Change the caller's email preferences (transactional emails cannot be turned off)",
    responses: { 200: { description: 'every category, as changed', schema: preferencesViewSchema } },
  })
  updatePreferences(
    @CurrentUser() user: Principal,
    @Body(validate(updatePreferencesSchema)) dto: UpdatePreferencesDto,
  ): Promise<PreferencesView> {
    return this.preferences.update(user, dto);
  }
}

/** Every delivery of the ledger, for support. */
@Controller('v1/admin/deliveries')
export class AdminDeliveriesController {
  constructor(private readonly history: NotificationHistoryService) {}

  @Get()
  @Roles('admin')
  @ApiDoc({
    summary: 'List every delivery of the email ledger (admins; each page read is audited)',
    responses: { 200: { description: 'a page of deliveries', schema: pageSchema(deliveryViewSchema) } },
  })
  list(
    @CurrentUser() admin: Principal,
    @Query(validate(adminDeliveriesQuerySchema)) query: AdminDeliveriesQuery,
    @Req() request: FastifyRequest,
  ): Promise<Page<DeliveryView>> {
    return this.history.listAll(admin, query, originOf(request));
  }
}

/**
 * The one-click unsubscribe link of every non-transactional email, public (the signature is the
 * credential). GET shows a confirmation page; POST (the page's form, or a mail client's RFC 8058
 * `List-Unsubscribe=One-Click`) unsubscribes.
 */
@Public()
@Controller('v1/notifications/unsubscribe')
export class UnsubscribeController {
  constructor(private readonly preferences: PreferencesService) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @ApiDoc({
    summary: 'The unsubscribe confirmation page of an email link',
    responses: {
      200: {
        description: 'an HTML page with the confirm form',
        schema: z.string(),
        contentType: 'text/html',
      },
      404: { description: 'a link that was not signed by us', schema: z.string(), contentType: 'text/html' },
    },
  })
  async confirm(
    @Query(validate(unsubscribeQuerySchema)) query: UnsubscribeQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const outcome = await this.preferences.inspect(query.token);
    return page(reply, outcome, 'confirm', `?token=${encodeURIComponent(query.token)}`);
  }

  @Post()
  @HttpCode(200)
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @ApiDoc({
    summary: 'Unsubscribe (the page form, or RFC 8058 one-click from a mail client)',
    responses: {
      200: { description: 'an HTML page saying it is done', schema: z.string(), contentType: 'text/html' },
      404: { description: 'a link that was not signed by us', schema: z.string(), contentType: 'text/html' },
    },
  })
  async unsubscribe(
    @Query(validate(unsubscribeQuerySchema)) query: UnsubscribeQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return page(reply, await this.preferences.unsubscribe(query.token), 'done');
  }
}

/** The page for `outcome`; a link we did not sign (or for nobody we know) is a 404. */
function page(
  reply: FastifyReply,
  outcome: UnsubscribeOutcome,
  state: 'confirm' | 'done',
  actionUrl?: string,
): string {
  if (outcome.status === 'invalid') {
    void reply.status(404);
    return unsubscribePage('en', 'invalid');
  }
  return unsubscribePage(outcome.locale, state, outcome.category, actionUrl);
}
