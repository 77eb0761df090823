export * from './errors';
export * from './events';
export * from './jobs';
export * from './internal-api';
export * from './roles';
export * from './image-upload.config';
export * from './listing-cache.tags';
