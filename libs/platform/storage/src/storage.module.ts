import { Module, type DynamicModule } from '@nestjs/common';
import type { ConfigOf } from '@rentguy/platform/config';
import { BLOB_STORAGE } from './blob-storage';
import { FilesystemBlobStorage } from './filesystem-blob.storage';
import { storageConfig } from './storage.config';

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
          inject: [storageConfig.token],
          useFactory: (config: ConfigOf<typeof storageConfig>) =>
            new FilesystemBlobStorage(config.BLOB_STORAGE_DIR),
        },
      ],
      exports: [BLOB_STORAGE],
    };
  }
}
