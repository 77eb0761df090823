export type { CaughtAttachment, CaughtMail, MailEnvelope } from './caught-mail.model';
export { freePort } from './free-port.util';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.server';
export {
  startMailCatcher,
  type MailCatcher,
  type MailCatcherOptions,
  type MailFault,
  type MailFaultKind,
} from './mail-catcher.server';
export {
  APP_NAMES,
  DEFAULT_PORTS,
  MIGRATING_APPS,
  migrateAll,
  shiftedPorts,
  startPlatform,
  wiringEnv,
  type AppName,
  type AppPorts,
  type PlatformOptions,
  type RestartPolicy,
  type RunningApp,
  type RunningPlatform,
} from './platform-runner';
export { testConfigModule } from './test-config';
export { E2E_DATABASE, testEnvironment, type TestEnvironment } from './test-environment';
export { waitUntil, type WaitUntilOptions } from './wait-until.util';
export { startOtlpCollector, type CollectedSpan, type OtlpCollector } from './otlp-collector.server';
export {
  TestSigningKey,
  jwks,
  testJwtEnv,
  testSigningKey,
  type TestTokenOptions,
  type TestTokenSubject,
} from './test-access-tokens';
