import { Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG } from '@rentguy/platform/config';
import { BLOB_STORAGE } from './blob-storage';
import { FilesystemBlobStorage } from './filesystem-blob.storage';

export interface StorageConfig {
  BLOB_STORAGE_DIR: string;
}

/** Provides `BLOB_STORAGE` (the filesystem driver rooted at BLOB_STORAGE_DIR) to the whole app. */
@Module({})
export class StorageModule {
  static forRoot(): DynamicModule {
    return {
      module: StorageModule,
      global: true,
      providers: [
        {
          provide: BLOB_STORAGE,
          inject: [APP_CONFIG],
          useFactory: (config: StorageConfig) => new FilesystemBlobStorage(config.BLOB_STORAGE_DIR),
        },
      ],
      exports: [BLOB_STORAGE],
    };
  }
}
