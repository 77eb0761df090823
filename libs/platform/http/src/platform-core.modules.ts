import type { DynamicModule, Type } from '@nestjs/common';
import { ConfigModule } from '@rentguy/platform/config';
import { HealthModule } from '@rentguy/platform/health';
import { LoggingModule } from '@rentguy/platform/logging';
import { MetricsModule } from '@rentguy/platform/metrics';

/** What every app imports first: its validated config, JSON logs, its metrics registry and health. */
export function platformCoreModules(
  service: string,
  config: { LOG_LEVEL: string },
): (Type | DynamicModule)[] {
  return [
    ConfigModule.forRoot(config),
    LoggingModule.forRoot({ service, level: config.LOG_LEVEL }),
    MetricsModule,
    HealthModule,
  ];
}
