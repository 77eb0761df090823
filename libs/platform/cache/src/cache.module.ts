import { Module, type DynamicModule } from '@nestjs/common';
import type { ConfigOf } from '@rentguy/platform/config';
import { cacheConfig } from './cache.config';
import { READ_CACHE_OPTIONS, ReadCache, type ReadCacheOptions } from './read-cache';

export interface CacheModuleOptions {
  /** Key prefix in Redis and on the bus, after `CACHE_NAMESPACE` (the owning service's name; tests add a run id). */
  prefix: string;
}

/** `ReadCache` for the whole app; reads `cacheConfig`, needs the platform `HealthModule` and `MetricsModule`. */
@Module({})
export class CacheModule {
  static forRoot(options: CacheModuleOptions): DynamicModule {
    return {
      module: CacheModule,
      global: true,
      providers: [
        {
          provide: READ_CACHE_OPTIONS,
          inject: [cacheConfig.token],
          useFactory: (config: ConfigOf<typeof cacheConfig>): ReadCacheOptions => ({
            prefix: options.prefix,
            config,
          }),
        },
        ReadCache,
      ],
      exports: [ReadCache],
    };
  }
}
