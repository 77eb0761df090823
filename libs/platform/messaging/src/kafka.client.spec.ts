import { kafkaLogCreator } from './kafka.client';

type LogEntry = Parameters<ReturnType<ReturnType<typeof kafkaLogCreator>>>[0];
// kafkajs log levels (its `logLevel` enum); only kafka.client.ts imports kafkajs.
const logLevel = { ERROR: 1, WARN: 2 } as const;

describe('kafkaLogCreator', () => {
  const logger = { error: jest.fn(), warn: jest.fn(), log: jest.fn(), debug: jest.fn() };
  const log = kafkaLogCreator(logger)();
  const entry = (level: number, message: string, extra: Record<string, unknown> = {}): LogEntry =>
    ({
      namespace: 'Connection',
      level,
      label: 'x',
      log: { timestamp: 'now', logger: 'kafkajs', message, ...extra },
    }) as LogEntry;

  beforeEach(() => jest.clearAllMocks());

  it('maps kafkajs levels onto the Nest logger, with the namespace and useful fields', () => {
    log(entry(logLevel.ERROR, 'Connection error', { broker: '127.0.0.1:9092', stack: 'long' }));
    log(entry(logLevel.WARN, 'Slow'));
    expect(logger.error).toHaveBeenCalledWith('[Connection] Connection error {"broker":"127.0.0.1:9092"}');
    expect(logger.warn).toHaveBeenCalledWith('[Connection] Slow');
  });

  it('drops the warning about bounded idempotent retries (the relay bounds them on purpose)', () => {
    log(entry(logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees'));
    expect(logger.warn).not.toHaveBeenCalled();
  });
});
