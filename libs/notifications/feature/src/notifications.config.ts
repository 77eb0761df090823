import type { QueueModuleOptions } from '@rentguy/platform/queue';

/** The part of the app config this library reads (`smtpConfig` plus the notifications settings). */
export interface NotificationsConfig {
  SMTP_URL: string;
  MAIL_FROM: string;
  /** Parallel sends of the email worker. */
  EMAIL_WORKER_CONCURRENCY: number;
  /** How often pending deliveries are looked at again; 0 turns the sweep off. */
  EMAIL_SWEEP_INTERVAL_MS: number;
  /** A pending delivery younger than this still has its job on the way; older ones get it again. */
  EMAIL_SWEEP_MIN_AGE_MS: number;
}

/**
 * The notifications app's queues: it feeds and works `email`, and works its maintenance queue,
 * whose job scheduler runs the pending-delivery sweep.
 */
export const notificationsQueueOptions = (
  config: Pick<NotificationsConfig, 'EMAIL_WORKER_CONCURRENCY' | 'EMAIL_SWEEP_INTERVAL_MS'>,
): QueueModuleOptions => ({
  queues: ['email', 'notifications-maintenance'],
  workers: {
    email: { concurrency: config.EMAIL_WORKER_CONCURRENCY },
    'notifications-maintenance': {},
  },
  schedules: { 'notifications-pending-deliveries': config.EMAIL_SWEEP_INTERVAL_MS },
});
