export { ImagesWorkerModule } from './images-worker.module';
export { imagesWorkerConfig, type ImagesWorkerConfig } from './images-worker.config';
export { ImageVariantsService, type ImageProcessJob } from './image-variants.service';
export {
  VARIANT_FORMATS,
  VARIANT_WIDTHS,
  variantKey,
  variantWidths,
  type WrittenVariant,
} from './variant.policy';
