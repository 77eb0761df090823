// The platform's Kafka topics: the one list `infra up` creates on the local broker, importable by
// test harnesses and seed scripts so that nobody keeps a second copy.
export const TOPIC_PARTITIONS = 3;

export const TOPIC_NAMES = Object.freeze([
  'rentals.booking.v1',
  'rentals.property.v1',
  'rentals.application.v1',
  'payments.payment.v1',
  'payments.refund.v1',
  'notifications.delivery.v1',
  'identity.user.v1',
  'identity.audit.v1',
]);

/** Topic specs in the shape kafkajs `admin.createTopics({ topics })` expects (single local broker). */
export function topicSpecs({ replicationFactor = 1 } = {}) {
  return TOPIC_NAMES.map((topic) => ({ topic, numPartitions: TOPIC_PARTITIONS, replicationFactor }));
}
