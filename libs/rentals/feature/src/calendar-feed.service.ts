import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { TransactionRunner, type Tx } from '@rentguy/platform/database';
import type { Principal, RequestOrigin } from '@rentguy/platform/http';
import { OutboxWriter } from '@rentguy/platform/messaging';
import { OnJob, type JobOutcome } from '@rentguy/platform/queue';
import {
  CalendarFeedHttpRepository,
  CalendarFeedRepository,
  CalendarRepository,
  FeedFetchError,
  PropertyRepository,
  StayOverlapError,
  type FeedSyncCounts,
  type FeedToSync,
} from '@rentguy/rentals/data-access';
import { AdminReadAudit } from './admin-read.audit';
import type { CreateCalendarFeedDto } from './calendar.dto';
import { CalendarService } from './calendar.service';
import { toCalendarFeedView, type CalendarFeedView } from './calendar.views';
import { parseBusyEvents, type BusyEvent } from './ical.codec';
import { ListingCache } from './listing.cache';
import { RentalsMetrics } from './rentals.metrics';

/** Feeds a property may import. */
export const MAX_FEEDS_PER_PROPERTY = 10;
const PAGE = 100;
const PARALLEL_FETCHES = 4;

/**
 * Imported iCal feeds (docs/architecture.md#ical-sync): a host registers up to ten; the
 * `calendar-feeds.sync` job fetches each and turns its busy events into blocks, idempotent by UID.
 * An event over a booking is flagged (`calendar.conflict`) and never touches the booking.
 */
@Injectable()
export class CalendarFeedService {
  private readonly logger = new Logger(CalendarFeedService.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly properties: PropertyRepository,
    private readonly feeds: CalendarFeedRepository,
    private readonly calendar: CalendarRepository,
    private readonly http: CalendarFeedHttpRepository,
    private readonly outbox: OutboxWriter,
    private readonly calendars: CalendarService,
    private readonly cache: ListingCache,
    private readonly metrics: RentalsMetrics,
    private readonly adminReads: AdminReadAudit,
  ) {}

  async add(user: Principal, id: string, dto: CreateCalendarFeedDto): Promise<CalendarFeedView> {
    const property = await this.calendars.ownedProperty(user, id);
    try {
      this.http.checkedUrl(dto.url);
    } catch (error) {
      if (error instanceof FeedFetchError) {
        throw new DomainError(ErrorCode.ValidationFailed, 'request validation failed', {
          fields: [{ path: 'url', message: error.message }],
        });
      }
      throw error;
    }
    const feedId = randomUUID();
    await this.transactions.run(async (tx) => {
      // The property's row lock makes the count and the insert one step against concurrent adds.
      await this.properties.findByIdForUpdate(property.id, tx);
      if ((await this.feeds.count(property.id, tx)) >= MAX_FEEDS_PER_PROPERTY) {
        throw new DomainError(
          ErrorCode.Conflict,
          `a property imports at most ${MAX_FEEDS_PER_PROPERTY} calendar feeds`,
        );
      }
      const name = dto.name ?? new URL(dto.url).hostname;
      if (!(await this.feeds.insert({ id: feedId, propertyId: property.id, url: dto.url, name }, tx))) {
        throw new DomainError(ErrorCode.Conflict, 'this feed is imported already', { field: 'url' });
      }
    });
    return this.view(property.id, feedId);
  }

  async list(user: Principal, id: string, origin: RequestOrigin): Promise<CalendarFeedView[]> {
    const property = await this.calendars.ownedProperty(user, id);
    // A feed's URL is often a secret of another site (an export token): reading it is audited.
    await this.adminReads.record(
      user,
      property.hostId,
      { type: 'property', id },
      { read: 'calendar-feeds' },
      origin,
    );
    return (await this.feeds.list(property.id)).map(toCalendarFeedView);
  }

  /** Stops importing the feed and unblocks what it blocked. */
  async remove(user: Principal, id: string, feedId: string): Promise<void> {
    const property = await this.calendars.ownedProperty(user, id);
    const removed = await this.transactions.run((tx) => this.feeds.delete(property.id, feedId, tx));
    if (!removed) {
      throw new DomainError(ErrorCode.NotFound, 'calendar feed not found');
    }
    await this.cache.listingChanged(property.id);
  }

  /** Every feed of every property, four at a time; one feed's failure is its own run's. */
  @OnJob('rentals-maintenance', 'calendar-feeds.sync')
  async syncAll(): Promise<JobOutcome> {
    let after: { createdAt: Date; id: string } | undefined;
    let failed = 0;
    for (;;) {
      const page = await this.feeds.pageToSync(PAGE, after);
      // A few feeds at a time: a slow or dead feed costs its timeout without holding up the rest.
      for (let i = 0; i < page.length; i += PARALLEL_FETCHES) {
        const runs = await Promise.all(page.slice(i, i + PARALLEL_FETCHES).map((feed) => this.sync(feed)));
        failed += runs.filter((run) => run.status === 'failed').length;
      }
      if (page.length < PAGE) {
        break;
      }
      after = page.at(-1);
    }
    if (failed > 0) {
      this.logger.warn(`${failed} calendar feed(s) could not be synced; see their last runs`);
    }
    return { status: 'done' };
  }

  /**
   * One sync run of one feed, recorded whatever happens. A feed that cannot be fetched or parsed
   * changes nothing (its blocks stay: a feed that is down does not free dates). Recurring events
   * are expanded from `now`'s day on.
   */
  async sync(
    feed: FeedToSync,
    now: Date = new Date(),
  ): Promise<{ status: 'ok' | 'failed'; counts?: FeedSyncCounts; error?: string }> {
    const startedAt = new Date();
    let events: BusyEvent[];
    try {
      events = parseBusyEvents(await this.http.fetch(feed.url), now);
    } catch (error) {
      const message =
        error instanceof FeedFetchError
          ? error.message
          : `not a valid iCalendar feed: ${(error as Error).message}`;
      await this.transactions.run((tx) =>
        this.feeds.recordRun(
          feed.id,
          randomUUID(),
          { startedAt, finishedAt: new Date(), status: 'failed', error: message.slice(0, 500), counts: {} },
          tx,
        ),
      );
      this.metrics.calendarFeedSyncs.inc({ status: 'failed' });
      return { status: 'failed', error: message };
    }
    const counts = await this.transactions.run(async (tx) => {
      const applied = await this.apply(feed, events, tx);
      await this.feeds.recordRun(
        feed.id,
        randomUUID(),
        { startedAt, finishedAt: new Date(), status: 'ok', error: null, counts: applied },
        tx,
      );
      return applied;
    });
    this.metrics.calendarFeedSyncs.inc({ status: 'ok' });
    this.metrics.calendarConflicts.inc(counts.flagged);
    if (counts.added > 0 || counts.removed > 0) {
      await this.cache.listingChanged(feed.propertyId);
    }
    return { status: 'ok', counts };
  }

  /** Makes the feed's blocks match its events, by UID; flags events that meet a booking. */
  private async apply(feed: FeedToSync, events: BusyEvent[], tx: Tx): Promise<FeedSyncCounts> {
    const counts: FeedSyncCounts = {
      events: events.length,
      added: 0,
      removed: 0,
      unchanged: 0,
      conflicts: 0,
      flagged: 0,
      overlapping: 0,
    };
    // A UID that appears twice keeps its last occurrence, as calendar clients do.
    const wanted = new Map(events.map((event) => [event.uid, event]));
    await this.calendar.lockCalendar(feed.propertyId, tx);
    const existing = await this.calendar.listFeedBlocks(feed.id, tx);
    const stale: string[] = [];
    const kept = new Set<string>();
    for (const block of existing) {
      const event = block.uid === null ? undefined : wanted.get(block.uid);
      if (event && event.from === block.from && event.to === block.to) {
        kept.add(event.uid);
        counts.unchanged += 1;
      } else {
        stale.push(block.id);
      }
    }
    // Removed or moved events free their dates first, so a moved event can take its new ones.
    counts.removed = await this.calendar.deleteBlocks(stale, tx);
    for (const event of wanted.values()) {
      if (kept.has(event.uid)) {
        continue;
      }
      try {
        await this.calendar.insertBlock(
          {
            id: randomUUID(),
            propertyId: feed.propertyId,
            from: event.from,
            to: event.to,
            note: feed.name,
            feedId: feed.id,
            uid: event.uid,
          },
          tx,
        );
        counts.added += 1;
      } catch (error) {
        if (!(error instanceof StayOverlapError)) {
          throw error;
        }
        const booking = await this.calendar.findOverlappingBooking(feed.propertyId, event.from, event.to, tx);
        if (!booking) {
          counts.overlapping += 1;
          continue;
        }
        counts.conflicts += 1;
        if (await this.feeds.flagConflict(feed.id, event.uid, booking.id, tx)) {
          counts.flagged += 1;
          await this.outbox.add(tx, 'calendar.conflict', feed.propertyId, {
            propertyId: feed.propertyId,
            propertyTitle: feed.propertyTitle,
            hostId: feed.hostId,
            bookingId: booking.id,
            checkIn: booking.from,
            checkOut: booking.to,
            feedId: feed.id,
            calendarName: feed.name,
          });
        }
      }
    }
    return counts;
  }

  private async view(propertyId: string, feedId: string): Promise<CalendarFeedView> {
    const feed = await this.feeds.find(propertyId, feedId);
    if (!feed) {
      throw new Error(`calendar feed ${feedId} vanished`);
    }
    return toCalendarFeedView(feed);
  }
}
