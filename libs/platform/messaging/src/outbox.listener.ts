import type { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { backoffDelay, type BackoffOptions } from './backoff';
import { describeError } from '@rentguy/platform/errors';

export interface OutboxListenerOptions {
  connectionString: string;
  channel: string;
  applicationName: string;
  backoff: BackoffOptions;
  logger: Pick<Logger, 'warn' | 'log'>;
  /** Called on every notification, and after each (re)connect to catch up on what was missed. */
  onNotify: () => void;
}

/**
 * A dedicated PostgreSQL connection that LISTENs on the outbox channel (a pooled connection cannot:
 * LISTEN belongs to one session). Reconnects with backoff whenever the connection drops.
 */
export class OutboxListener {
  private client?: Client;
  private reconnectTimer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = false;
  private listening = false;

  constructor(private readonly options: OutboxListenerOptions) {}

  /** Whether a LISTEN session is currently established. */
  get isListening(): boolean {
    return this.listening;
  }

  start(): void {
    this.stopped = false;
    this.spawnConnect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    this.listening = false;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) {
      return;
    }
    const { connectionString, applicationName, channel, logger, onNotify } = this.options;
    // TCP keepalive notices a silently dead peer within about a minute instead of the OS default of hours.
    const client = new Client({
      connectionString,
      application_name: applicationName,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: 5_000,
    });
    // Stays attached for the client's lifetime: an 'error' without a listener would crash the process.
    client.on('error', (error) => {
      logger.warn(`outbox LISTEN connection lost: ${describeError(error)}`);
      this.drop(client);
    });
    client.on('end', () => this.drop(client));
    client.on('notification', (message) => {
      if (message.channel === channel) {
        onNotify();
      }
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN "${channel}"`);
    } catch (error) {
      logger.warn(`outbox LISTEN could not connect: ${describeError(error)}`);
      this.drop(client);
      return;
    }
    if (this.client !== client) {
      return;
    }
    if (this.failures > 0) {
      logger.log(`outbox LISTEN re-established on ${channel}`);
    }
    this.failures = 0;
    this.listening = true;
    onNotify();
  }

  private drop(client: Client): void {
    if (this.client !== client) {
      return;
    }
    this.client = undefined;
    this.listening = false;
    client.end().catch(() => undefined);
    if (this.stopped) {
      return;
    }
    this.failures += 1;
    const wait = backoffDelay(this.failures, this.options.backoff);
    this.reconnectTimer = setTimeout(() => this.spawnConnect(), wait);
  }

  private spawnConnect(): void {
    this.connect().catch((error: unknown) =>
      this.options.logger.warn(`outbox LISTEN failed: ${describeError(error)}`),
    );
  }
}
