export * from './http.config';
export * from './error.filter';
export * from './zod-validation.pipe';
export * from './auth';
export * from './bootstrap';
export * from './platform-core.modules';
export * from './openapi';
