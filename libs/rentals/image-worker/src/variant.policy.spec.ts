import { isValidBlobKey } from '@rentguy/platform/storage';
import { variantKey, variantWidths } from './variant.policy';

describe('variantWidths', () => {
  it('renders every target width for a large image', () => {
    expect(variantWidths(4000)).toEqual([320, 1024, 2048]);
  });

  it('replaces the targets wider than the image by one rendition at its own width', () => {
    expect(variantWidths(1500)).toEqual([320, 1024, 1500]);
    expect(variantWidths(1024)).toEqual([320, 1024]);
  });

  it('renders a single rendition of an image narrower than the smallest target', () => {
    expect(variantWidths(200)).toEqual([200]);
  });
});

describe('variantKey', () => {
  const propertyId = '0b8e7a2c-6a55-4c8e-9d43-1f0f6f1c2a10';
  const imageId = '5d1c9b44-33c9-4b0a-8f6e-2f7c4a1e9b21';

  it('places renditions under the image prefix, named by width and format', () => {
    expect(variantKey(propertyId, imageId, 320, 'webp')).toBe(
      `properties/${propertyId}/images/${imageId}/320.webp`,
    );
    expect(variantKey(propertyId, imageId, 2048, 'jpeg')).toBe(
      `properties/${propertyId}/images/${imageId}/2048.jpg`,
    );
  });

  it('produces keys the blob storage accepts', () => {
    expect(isValidBlobKey(variantKey(propertyId, imageId, 1024, 'jpeg'))).toBe(true);
  });
});
