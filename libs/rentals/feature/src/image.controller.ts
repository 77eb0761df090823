import { Controller, Get, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiDoc, Public } from '@rentguy/platform/http';
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ImageService } from './image.service';

@Controller('v1/images')
export class ImageController {
  constructor(private readonly images: ImageService) {}

  /** Image variants by blob key. Keys never change content (new upload, new key): cache for a year. */
  @Get('*')
  @Public()
  @ApiDoc({
    summary: 'Fetch an image variant (a `url` of a listing image); cacheable for a year',
    responses: {
      200: {
        description: 'the image bytes',
        schema: z.string().meta({ format: 'binary' }),
        contentType: 'image/*',
      },
    },
  })
  async get(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const key = (request.params as Record<string, string | undefined>)['*'] ?? '';
    const blob = await this.images.openVariant(key);
    // Set here, not with @Header(): those would also go out on a 404 and get it cached for a year.
    void reply.header('cache-control', 'public, max-age=31536000, immutable');
    return new StreamableFile(blob.stream, { type: blob.contentType, length: blob.size });
  }
}
