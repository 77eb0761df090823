import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  ApiDoc,
  originOf,
  CurrentUser,
  OptionalUser,
  Public,
  Roles,
  validate,
  type Principal,
} from '@rentguy/platform/http';
import { CalendarFeedService } from './calendar-feed.service';
import {
  availabilityQuerySchema,
  calendarExportQuerySchema,
  createBlockSchema,
  createCalendarFeedSchema,
  type AvailabilityQuery,
  type CalendarExportQuery,
  type CreateBlockDto,
  type CreateCalendarFeedDto,
} from './calendar.dto';
import { CalendarService } from './calendar.service';
import type { AvailabilityView, BlockView, CalendarExportView, CalendarFeedView } from './calendar.views';
import { entityIdSchema } from './entity-id.dto';
import {
  availabilityViewSchema,
  blockListSchema,
  blockViewSchema,
  calendarExportViewSchema,
  calendarFeedListSchema,
  calendarFeedViewSchema,
  calendarIcsSchema,
} from './rentals-view.schemas';

/** A property's calendar: availability, host blocks, iCal export and imported feeds. */
@Controller('v1/properties/:id')
export class CalendarController {
  constructor(
    private readonly calendar: CalendarService,
    private readonly feeds: CalendarFeedService,
  ) {}

  @Get('availability')
  @Public()
  @ApiDoc({
    summary: "A property's status per day over `[from, to)`, nothing about who booked",
    responses: {
      200: { description: 'each day: available, booked or blocked', schema: availabilityViewSchema },
    },
  })
  availability(
    @OptionalUser() viewer: Principal | null,
    @Param('id', validate(entityIdSchema)) id: string,
    @Query(validate(availabilityQuerySchema)) query: AvailabilityQuery,
  ): Promise<AvailabilityView> {
    return this.calendar.availability(id, query, viewer);
  }

  @Get('blocks')
  @Roles('host')
  @ApiDoc({
    summary: "List a property's blocks: the host's own and those of imported calendars",
    responses: { 200: { description: 'the blocks', schema: blockListSchema } },
  })
  listBlocks(
    @CurrentUser() user: Principal,
    @Param('id', validate(entityIdSchema)) id: string,
    @Req() request: FastifyRequest,
  ): Promise<BlockView[]> {
    return this.calendar.listBlocks(user, id, originOf(request));
  }

  @Post('blocks')
  @Roles('host')
  @ApiDoc({
    summary: 'Take `[from, to)` off the market',
    responses: { 201: { description: 'the new block', schema: blockViewSchema } },
  })
  createBlock(
    @CurrentUser() user: Principal,
    @Param('id', validate(entityIdSchema)) id: string,
    @Body(validate(createBlockSchema)) dto: CreateBlockDto,
  ): Promise<BlockView> {
    return this.calendar.createBlock(user, id, dto);
  }

  @Delete('blocks/:blockId')
  @Roles('host')
  @HttpCode(204)
  @ApiDoc({ summary: "Remove a host's block (an imported calendar's go with their feed: 409)" })
  deleteBlock(
    @CurrentUser() user: Principal,
    @Param('id', validate(entityIdSchema)) id: string,
    @Param('blockId', validate(entityIdSchema)) blockId: string,
  ): Promise<void> {
    return this.calendar.deleteBlock(user, id, blockId);
  }

  /** The export secret is a capability: whoever has the URL reads the busy days, nothing more. */
  @Get('calendar.ics')
  @Public()
  @Header('content-type', 'text/calendar; charset=utf-8')
  @ApiDoc({
    summary: "A property's busy days as iCalendar, for other platforms to import (the export URL)",
    responses: {
      200: {
        description: 'the calendar (RFC 5545)',
        schema: calendarIcsSchema,
        contentType: 'text/calendar',
      },
    },
  })
  exportIcs(
    @Param('id', validate(entityIdSchema)) id: string,
    @Query(validate(calendarExportQuerySchema)) query: CalendarExportQuery,
  ): Promise<string> {
    return this.calendar.exportIcs(id, query.token);
  }

  @Post('calendar-token')
  @Roles('host')
  @ApiDoc({
    summary: 'Make a new calendar export secret; the previous URL stops working',
    responses: {
      201: { description: 'the secret and its export URL, shown once', schema: calendarExportViewSchema },
    },
  })
  rotateExportToken(
    @CurrentUser() user: Principal,
    @Param('id', validate(entityIdSchema)) id: string,
  ): Promise<CalendarExportView> {
    return this.calendar.rotateExportToken(user, id);
  }

  @Get('calendar-feeds')
  @Roles('host')
  @ApiDoc({
    summary: 'List the calendars a property imports, each with its last sync',
    responses: { 200: { description: 'the imported calendar feeds', schema: calendarFeedListSchema } },
  })
  listFeeds(
    @CurrentUser() user: Principal,
    @Param('id', validate(entityIdSchema)) id: string,
    @Req() request: FastifyRequest,
  ): Promise<CalendarFeedView[]> {
    return this.feeds.list(user, id, originOf(request));
  }

  @Post('calendar-feeds')
  @Roles('host')
  @ApiDoc({
    summary: "Import another platform's iCal feed: its busy days block the property's calendar",
    responses: { 201: { description: 'the feed, not synced yet', schema: calendarFeedViewSchema } },
  })
  addFeed(
    @CurrentUser() user: Principal,
    @Param('id', validate(entityIdSchema)) id: string,
    @Body(validate(createCalendarFeedSchema)) dto: CreateCalendarFeedDto,
  ): Promise<CalendarFeedView> {
    return this.feeds.add(user, id, dto);
  }

  @Delete('calendar-feeds/:feedId')
  @Roles('host')
  @HttpCode(204)
  @ApiDoc({ summary: 'Stop importing a feed and unblock what it blocked' })
  removeFeed(
    @CurrentUser() user: Principal,
    @Param('id', validate(entityIdSchema)) id: string,
    @Param('feedId', validate(entityIdSchema)) feedId: string,
  ): Promise<void> {
    return this.feeds.remove(user, id, feedId);
  }
}
