import type { DataSourceOptions } from 'typeorm';
import { RedactingTypeOrmLogger } from './redacting-typeorm.logger';
import { assertSchemaName, type ServiceSchema } from './service-schema';

export interface ServiceDataSourceOptions {
  url: string;
  /** The service's own schema: a service never reads another service's schema. */
  schema: ServiceSchema;
  poolSize: number;
  slowQueryMs: number;
  applicationName: string;
}

/**
 * TypeORM options for one service. Never `synchronize`: the schema only changes through explicit
 * migrations. The search path keeps `public` for extensions such as btree_gist.
 */
export function serviceDataSourceOptions(options: ServiceDataSourceOptions): DataSourceOptions {
  const schema = assertSchemaName(options.schema.name);
  return {
    type: 'postgres',
    url: options.url,
    schema,
    entities: options.schema.entities ?? [],
    migrations: options.schema.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    poolSize: options.poolSize,
    applicationName: options.applicationName,
    maxQueryExecutionTime: options.slowQueryMs,
    logger: new RedactingTypeOrmLogger(),
    extra: {
      options: `-c search_path=${schema},public`,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
    },
  };
}
