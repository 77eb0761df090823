export * from './cache.config';
export * from './cache.module';
export { ReadCache, type CachedRead } from './read-cache';
