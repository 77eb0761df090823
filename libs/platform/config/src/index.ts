export * from './load-config';
export * from './schemas';
export * from './config.module';
export * from './service-runner';
