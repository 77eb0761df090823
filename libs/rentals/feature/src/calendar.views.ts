import type { BlockRow, CalendarFeedRow, FeedSyncRun } from '@rentguy/rentals/data-access';
import type { DayStatus } from '@rentguy/rentals/domain';

/** A property's public calendar: each day's status, nothing about who booked. */
export interface AvailabilityView {
  propertyId: string;
  from: string;
  to: string;
  days: { date: string; status: DayStatus }[];
}

export interface BlockView {
  id: string;
  from: string;
  to: string;
  note: string;
  /** `host` for a block the host set, `feed` for one an imported calendar holds. */
  source: 'host' | 'feed';
  feedId: string | null;
  createdAt: string;
}

/** The export secret, shown once when it is made; the URL is what a host gives another platform. */
export interface CalendarExportView {
  token: string;
  url: string;
}

export interface FeedRunView {
  startedAt: string;
  finishedAt: string;
  status: FeedSyncRun['status'];
  error: string | null;
  counts: FeedSyncRun['counts'];
}

export interface CalendarFeedView {
  id: string;
  url: string;
  name: string;
  createdAt: string;
  /** The last sync run, or null before the first. */
  lastSync: FeedRunView | null;
}

export interface AnalyticsFreshness {
  /** When the figures were computed (the materialized view's last refresh), null before the first. */
  refreshedAt: string | null;
  ageSeconds: number | null;
}

export interface PropertyMonthView {
  propertyId: string;
  title: string;
  /** `YYYY-MM`. */
  month: string;
  bookedNights: number;
  /** Nights of the month not blocked. */
  availableNights: number;
  /** bookedNights / availableNights, 0 when nothing was available; four decimals. */
  occupancy: number;
  revenue: { amount: number; currency: string };
}

export interface PlatformMonthView {
  month: string;
  currency: string;
  properties: number;
  bookedNights: number;
  availableNights: number;
  occupancy: number;
  revenue: { amount: number; currency: string };
}

export function toBlockView(block: BlockRow): BlockView {
  return {
    id: block.id,
    from: block.from,
    to: block.to,
    note: block.note,
    source: block.feedId === null ? 'host' : 'feed',
    feedId: block.feedId,
    createdAt: block.createdAt.toISOString(),
  };
}

export function toCalendarFeedView(feed: CalendarFeedRow): CalendarFeedView {
  const run = feed.lastRun;
  return {
    id: feed.id,
    url: feed.url,
    name: feed.name,
    createdAt: feed.createdAt.toISOString(),
    lastSync: run
      ? {
          startedAt: run.startedAt.toISOString(),
          finishedAt: run.finishedAt.toISOString(),
          status: run.status,
          error: run.error,
          counts: run.counts,
        }
      : null,
  };
}

export const occupancyOf = (booked: number, available: number): number =>
  available > 0 ? Math.round((booked / available) * 10_000) / 10_000 : 0;
