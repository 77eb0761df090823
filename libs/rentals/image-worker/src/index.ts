export { ImageWorkerModule } from './image-worker.module';
export { imageWorkerConfig } from './image-worker.config';
export { ImageVariantsService, type ImageProcessJob } from './image-variants.service';
export {
  VARIANT_FORMATS,
  VARIANT_WIDTHS,
  variantKey,
  variantWidths,
  type WrittenVariant,
} from './variant.policy';
