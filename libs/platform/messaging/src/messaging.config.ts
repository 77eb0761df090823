import { z } from 'zod';
import { commaSeparated, defineConfig } from '@rentguy/platform/config';

/** The Kafka cluster and this deployment's consumer groups on it. */
export const messagingConfig = defineConfig('messaging', {
  KAFKA_BROKERS: commaSeparated('127.0.0.1:9092').pipe(
    z.array(z.string().regex(/^[^:]+:\d+$/, 'expected host:port')).min(1),
  ),
  /** Kafka client id; the app's name when unset. */
  KAFKA_CLIENT_ID: z.string().optional(),
  /** Prefix of this deployment's consumer group ids, so two deployments can share one cluster. */
  KAFKA_GROUP_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-" only')
    .default(''),
});
