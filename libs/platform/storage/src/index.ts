export * from './storage.config';
export * from './blob-storage';
export * from './blob-key';
export * from './filesystem-blob.storage';
export * from './storage.module';
