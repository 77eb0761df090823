export { ImageWorkerModule } from './image-worker.module';
export { imageWorkerConfig, type ImageWorkerConfig } from './image-worker.config';
export { ImageVariantsService, type ImageProcessJob } from './image-variants.service';
export {
  VARIANT_FORMATS,
  VARIANT_WIDTHS,
  variantKey,
  variantWidths,
  type WrittenVariant,
} from './variant.policy';
