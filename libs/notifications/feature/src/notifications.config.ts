/** The part of the app config this library reads (`smtpConfig` plus the notifications settings). */
export interface NotificationsConfig {
  SMTP_URL: string;
  MAIL_FROM: string;
  /** Parallel sends of the email worker. */
  EMAIL_WORKER_CONCURRENCY: number;
  /** How often pending deliveries are looked at again. */
  EMAIL_SWEEP_INTERVAL_MS: number;
  /** A pending delivery younger than this still has its job on the way; older ones get it again. */
  EMAIL_SWEEP_MIN_AGE_MS: number;
}
