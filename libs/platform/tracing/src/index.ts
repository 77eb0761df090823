export * from './server-spans';
export * from './tracing';
export * from './tracing.config';
