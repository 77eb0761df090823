export * from './database.config';
export * from './data-source-options';
export * from './migrate';
export * from './database.module';
export * from './redacting-typeorm.logger';
export * from './sql-state.util';
export * from './transaction.runner';
export * from './after-commit.hooks';
