import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { RedactingTypeOrmLogger } from './redacting-typeorm.logger';

export interface ServiceDataSourceOptions {
  url: string;
  /** The service's own schema: a service never reads another service's schema. */
  schema: string;
  poolSize: number;
  slowQueryMs: number;
  applicationName: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * TypeORM options for one service. Never `synchronize`: the schema only changes through explicit
 * migrations. The search path keeps `public` for extensions such as btree_gist.
 */
export function serviceDataSourceOptions(options: ServiceDataSourceOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    poolSize: options.poolSize,
    applicationName: options.applicationName,
    maxQueryExecutionTime: options.slowQueryMs,
    logger: new RedactingTypeOrmLogger(),
    extra: {
      options: `-c search_path=${options.schema},public`,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
    },
  };
}
