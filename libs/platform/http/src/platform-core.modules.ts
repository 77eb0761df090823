import type { DynamicModule, Type } from '@nestjs/common';
import { ConfigModule } from '@rentguy/platform/config';
import { HealthModule, type ReadinessPolicy } from '@rentguy/platform/health';
import { LoggingModule } from '@rentguy/platform/logging';
import { MetricsModule } from '@rentguy/platform/metrics';

/**
 * What every app imports first: its validated config, JSON logs, its metrics registry and health
 * with the app's readiness policy (docs/architecture.md, "Readiness").
 */
export function platformCoreModules(
  service: string,
  config: { LOG_LEVEL: string },
  readiness: ReadinessPolicy,
): (Type | DynamicModule)[] {
  return [
    ConfigModule.forRoot(config),
    LoggingModule.forRoot({ service, level: config.LOG_LEVEL }),
    MetricsModule,
    HealthModule.forRoot(readiness),
  ];
}
