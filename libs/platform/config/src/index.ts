export * from './define-config';
export * from './list-schema';
export * from './load-config';
export * from './config.module';
export * from './service-ports';
export * from './service-runner';
