import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentUser, OptionalUser, Public, Roles, validate, type Principal } from '@rentguy/platform/http';
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

/** A property's calendar: availability, host blocks, iCal export and imported feeds. */
@Controller('v1/properties/:id')
export class CalendarController {
  constructor(
    private readonly calendar: CalendarService,
    private readonly feeds: CalendarFeedService,
  ) {}

  @Get('availability')
  @Public()
  availability(
    @OptionalUser() viewer: Principal | null,
    @Param('id') id: string,
    @Query(validate(availabilityQuerySchema)) query: AvailabilityQuery,
  ): Promise<AvailabilityView> {
    return this.calendar.availability(id, query, viewer);
  }

  @Get('blocks')
  @Roles('host')
  listBlocks(@CurrentUser() user: Principal, @Param('id') id: string): Promise<BlockView[]> {
    return this.calendar.listBlocks(user, id);
  }

  @Post('blocks')
  @Roles('host')
  createBlock(
    @CurrentUser() user: Principal,
    @Param('id') id: string,
    @Body(validate(createBlockSchema)) dto: CreateBlockDto,
  ): Promise<BlockView> {
    return this.calendar.createBlock(user, id, dto);
  }

  @Delete('blocks/:blockId')
  @Roles('host')
  @HttpCode(204)
  deleteBlock(
    @CurrentUser() user: Principal,
    @Param('id') id: string,
    @Param('blockId') blockId: string,
  ): Promise<void> {
    return this.calendar.deleteBlock(user, id, blockId);
  }

  /** The export secret is a capability: whoever has the URL reads the busy days, nothing more. */
  @Get('calendar.ics')
  @Public()
  @Header('content-type', 'text/calendar; charset=utf-8')
  exportIcs(
    @Param('id') id: string,
    @Query(validate(calendarExportQuerySchema)) query: CalendarExportQuery,
  ): Promise<string> {
    return this.calendar.exportIcs(id, query.token);
  }

  /** A new export secret; the previous URL stops working. */
  @Post('calendar-token')
  @Roles('host')
  rotateExportToken(@CurrentUser() user: Principal, @Param('id') id: string): Promise<CalendarExportView> {
    return this.calendar.rotateExportToken(user, id);
  }

  @Get('calendar-feeds')
  @Roles('host')
  listFeeds(@CurrentUser() user: Principal, @Param('id') id: string): Promise<CalendarFeedView[]> {
    return this.feeds.list(user, id);
  }

  @Post('calendar-feeds')
  @Roles('host')
  addFeed(
    @CurrentUser() user: Principal,
    @Param('id') id: string,
    @Body(validate(createCalendarFeedSchema)) dto: CreateCalendarFeedDto,
  ): Promise<CalendarFeedView> {
    return this.feeds.add(user, id, dto);
  }

  @Delete('calendar-feeds/:feedId')
  @Roles('host')
  @HttpCode(204)
  removeFeed(
    @CurrentUser() user: Principal,
    @Param('id') id: string,
    @Param('feedId') feedId: string,
  ): Promise<void> {
    return this.feeds.remove(user, id, feedId);
  }
}
