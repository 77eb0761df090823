export * from './readiness.registry';
export * from './ops.server';
export * from './health.module';
export * from './lifecycle';
export * from './lifecycle.config';
