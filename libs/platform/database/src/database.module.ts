import { Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Pool } from 'pg';
import type { ConfigOf } from '@rentguy/platform/config';
import { ReadinessRegistry } from '@rentguy/platform/health';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { AfterCommitHooks } from './after-commit.hooks';
import { databaseConfig } from './database.config';
import { serviceDataSourceOptions, type ServiceDataSourceOptions } from './data-source-options';
import { TransactionRunner } from './transaction.runner';

/** The service's schema (`ServiceSchema`, from its data-access library) and the pool's name. */
export type DatabaseModuleOptions = Pick<ServiceDataSourceOptions, 'schema' | 'applicationName'>;

/** Registers the postgres readiness check and pool metrics for the app's data source. */
@Injectable()
class DatabaseObserver implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readiness: ReadinessRegistry,
    private readonly metrics: MetricsRegistry,
  ) {}

  onModuleInit(): void {
    this.readiness.register('postgres', () => this.dataSource.query('SELECT 1'));
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const gauge = this.metrics.gauge({
      name: 'db_pool_connections',
      help: 'PostgreSQL pool connections by state',
      labelNames: ['state'],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    void gauge;
  }
}

/**
 * The app's data source (`databaseConfig`), plus the `TransactionRunner` and `AfterCommitHooks`
 * every service's providers inject (global, so feature modules need not import it).
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [databaseConfig.token],
          useFactory: (config: ConfigOf<typeof databaseConfig>) =>
            serviceDataSourceOptions({
              ...options,
              url: config.DATABASE_URL,
              poolSize: config.DATABASE_POOL_SIZE,
              slowQueryMs: config.DATABASE_SLOW_QUERY_MS,
            }),
        }),
      ],
      providers: [DatabaseObserver, TransactionRunner, AfterCommitHooks],
      exports: [TransactionRunner, AfterCommitHooks],
    };
  }
}
