import type { DynamicModule } from '@nestjs/common';
import {
  composeConfig,
  ConfigModule,
  loadConfig,
  type ConfigDefinition,
  type ServiceName,
} from '@rentguy/platform/config';

/**
 * The `ConfigModule` of a library's integration test: `definitions` composed as `service` composes
 * them and validated from `env` alone (never the process environment), as an app's are at boot.
 */
export function testConfigModule(
  service: ServiceName,
  definitions: readonly ConfigDefinition[],
  env: Record<string, string>,
): DynamicModule {
  const composition = composeConfig(service, definitions);
  return ConfigModule.forRoot(composition, loadConfig(composition, { env }));
}
