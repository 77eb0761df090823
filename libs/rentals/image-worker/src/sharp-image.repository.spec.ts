import sharp from 'sharp';
import { SharpImageRepository, UnreadableImageError } from './sharp-image.repository';

const limits = { maxInputPixels: 50_000_000 };

/** A JPEG as a phone would upload it: EXIF with camera and GPS data, an ICC profile, an orientation. */
function cameraJpeg(width: number, height: number, orientation = 1): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3366aa' } })
    .withExif({
      IFD0: { Make: 'PhoneCo', Model: 'Snap 9', Copyright: 'Jane Host' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 51/1 2400/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 21/1 0/1',
      },
    })
    .withMetadata({ orientation })
    .withIccProfile('p3')
    .jpeg()
    .toBuffer();
}

/** Left half red, right half blue. */
function halves(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#0000ff' } })
    .composite([
      {
        input: { create: { width: width / 2, height, channels: 3, background: '#ff0000' } },
        left: 0,
        top: 0,
      },
    ])
    .png()
    .toBuffer();
}

async function pixel(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return [...data.subarray(offset, offset + 3)];
}

describe('SharpImageRepository', () => {
  const images = new SharpImageRepository();

  it('resizes to the requested width keeping the aspect ratio, in the requested format', async () => {
    const input = await cameraJpeg(3000, 2000);

    const webp = await images.encode(input, { width: 1024, format: 'webp', quality: 80 }, limits);
    const jpeg = await images.encode(input, { width: 320, format: 'jpeg', quality: 80 }, limits);

    expect(webp).toMatchObject({ width: 1024, height: 683, format: 'webp' });
    expect(jpeg).toMatchObject({ width: 320, height: 213, format: 'jpeg' });
    expect(await sharp(webp.data).metadata()).toMatchObject({ format: 'webp', width: 1024, height: 683 });
    expect(await sharp(jpeg.data).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 213 });
  });

  it('strips EXIF (GPS included), XMP and the ICC profile from every output', async () => {
    const input = await cameraJpeg(1200, 800);
    const original = await sharp(input).metadata();
    // The fixture really carries what must be removed.
    expect(original.exif).toBeDefined();
    expect(original.exif?.toString('latin1')).toContain('PhoneCo');
    expect(original.icc).toBeDefined();

    for (const format of ['jpeg', 'webp'] as const) {
      const output = await images.encode(input, { width: 320, format, quality: 80 }, limits);
      const metadata = await sharp(output.data).metadata();
      expect(metadata.exif).toBeUndefined();
      expect(metadata.xmp).toBeUndefined();
      expect(metadata.iptc).toBeUndefined();
      expect(metadata.icc).toBeUndefined();
      expect(metadata.orientation).toBeUndefined();
      expect(output.data.toString('latin1')).not.toContain('PhoneCo');
    }
  });

  it('applies the EXIF orientation to the pixels, so the variant displays upright without it', async () => {
    // Orientation 6: the camera stored the picture turned; viewers rotate it 90° clockwise.
    const stored = await sharp(await halves(200, 100))
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toBuffer();

    expect(await images.dimensions(stored, limits)).toEqual({ width: 100, height: 200 });
    const output = await images.encode(stored, { width: 100, format: 'jpeg', quality: 95 }, limits);

    expect(output).toMatchObject({ width: 100, height: 200 });
    // Rotated clockwise, the stored left (red) half ends up on top.
    const [topR, , topB] = await pixel(output.data, 50, 20);
    const [bottomR, , bottomB] = await pixel(output.data, 50, 180);
    expect(topR).toBeGreaterThan(200);
    expect(topB).toBeLessThan(60);
    expect(bottomB).toBeGreaterThan(200);
    expect(bottomR).toBeLessThan(60);
  });

  it('never enlarges an image smaller than the requested width', async () => {
    const input = await cameraJpeg(200, 150);

    const output = await images.encode(input, { width: 2048, format: 'webp', quality: 80 }, limits);

    expect(output).toMatchObject({ width: 200, height: 150 });
    expect(await sharp(output.data).metadata()).toMatchObject({ width: 200, height: 150 });
  });

  it('flattens transparency onto white for JPEG', async () => {
    const transparent = await sharp({
      create: { width: 40, height: 40, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();

    const output = await images.encode(transparent, { width: 40, format: 'jpeg', quality: 90 }, limits);

    expect(await pixel(output.data, 20, 20)).toEqual([255, 255, 255]);
  });

  it('reads PNG and WebP inputs too', async () => {
    const png = await halves(400, 300);
    const webp = await sharp(png).webp().toBuffer();

    expect(await images.dimensions(png, limits)).toEqual({ width: 400, height: 300 });
    expect(await images.dimensions(webp, limits)).toEqual({ width: 400, height: 300 });
    expect(await images.encode(webp, { width: 320, format: 'jpeg', quality: 80 }, limits)).toMatchObject({
      width: 320,
      height: 240,
    });
  });

  it('rejects bytes that are not an image', async () => {
    const garbage = Buffer.from('this is a text file pretending to be a photo'.repeat(20));

    await expect(images.dimensions(garbage, limits)).rejects.toThrow(UnreadableImageError);
    await expect(images.encode(garbage, { width: 320, format: 'webp', quality: 80 }, limits)).rejects.toThrow(
      UnreadableImageError,
    );
  });

  it('rejects an image whose data is corrupt behind a valid header', async () => {
    const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    const corrupt = Buffer.concat([png.subarray(0, 60), Buffer.alloc(png.length - 60, 0x5a)]);

    await expect(images.encode(corrupt, { width: 320, format: 'webp', quality: 80 }, limits)).rejects.toThrow(
      UnreadableImageError,
    );
  });

  it('refuses inputs over the pixel limit before decoding them (decompression bombs)', async () => {
    const input = await cameraJpeg(3000, 2000);
    const tight = { maxInputPixels: 1_000_000 };

    await expect(images.dimensions(input, tight)).rejects.toThrow(/pixel limit/);
    await expect(images.encode(input, { width: 320, format: 'jpeg', quality: 80 }, tight)).rejects.toThrow(
      UnreadableImageError,
    );
  });
});
