// `npm run dlq:redrive -- <consumer-group> <topic> [max]`: republishes the dead letters of one
// consumer group for one topic (`<topic>.dlq.<group>`) to the original topic, after the cause was
// fixed. Progress is remembered, so a second run only moves letters that arrived since. Build first.
import { createRequire } from 'node:module';
import { root } from './dev-env.mjs';

const require = createRequire(import.meta.url);
const { KafkaClient, redriveDlq } = require(`${root}/dist/libs/platform/messaging/src/index.js`);

const [group, topic, max] = process.argv.slice(2);
if (!group || !topic) {
  console.error('usage: npm run dlq:redrive -- <consumer-group> <topic> [max]');
  console.error('example: npm run dlq:redrive -- rentals payments.payment.v1');
  process.exit(2);
}
const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((b) => b.trim());
const prefix = process.env.KAFKA_GROUP_PREFIX ?? '';
const kafka = new KafkaClient({ clientId: 'rentguy-dlq-redrive', brokers });
try {
  const result = await redriveDlq(kafka, {
    group: `${prefix}${group}`,
    topic,
    ...(max ? { max: Number(max) } : {}),
  });
  console.log(
    `${result.redriven} message(s) moved from ${result.dlqTopic} back to ${topic}${result.complete ? '' : ' (more remain: run again)'}`,
  );
} finally {
  await kafka.close();
}
