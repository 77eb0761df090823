import { Global, Module, type DynamicModule } from '@nestjs/common';
import { configSlice, type ConfigComposition, type ConfigOf } from './define-config';

/**
 * Provides each definition of the app's composition under its token, with its slice of the
 * validated config, so a library injects only what it declared: `@InjectConfig(definition)`.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot<C extends ConfigComposition>(composition: C, config: ConfigOf<C>): DynamicModule {
    const values = config as Record<string, unknown>;
    const providers = [...composition.keys.keys()].map((definition) => ({
      provide: definition.token,
      useValue: configSlice(composition, definition, values),
    }));
    return {
      module: ConfigModule,
      providers,
      exports: providers.map((provider) => provider.provide),
    };
  }
}
