import type { DynamicModule, Type } from '@nestjs/common';
import { ConfigModule, type ConfigComposition, type ConfigOf } from '@rentguy/platform/config';
import { HealthModule, type ReadinessPolicy } from '@rentguy/platform/health';
import { LoggingModule } from '@rentguy/platform/logging';
import { MetricsModule } from '@rentguy/platform/metrics';

/**
 * What every app imports first: its validated config (each definition of `composition` under its
 * token), JSON logs, its metrics registry and health with the app's readiness policy
 * (docs/architecture.md, "Readiness").
 */
export function platformCoreModules<C extends ConfigComposition>(
  composition: C,
  config: ConfigOf<C>,
  readiness: ReadinessPolicy,
): (Type | DynamicModule)[] {
  return [
    ConfigModule.forRoot(composition, config),
    LoggingModule.forRoot({ service: composition.service }),
    MetricsModule,
    HealthModule.forRoot(readiness),
  ];
}
