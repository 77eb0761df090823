import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import {
  ApiDoc,
  CurrentUser,
  OptionalUser,
  pageSchema,
  Public,
  Roles,
  validate,
  type Principal,
} from '@rentguy/platform/http';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createPropertySchema, type CreatePropertyDto } from './create-property.dto';
import { ImageService } from './image.service';
import {
  quoteQuerySchema,
  searchPropertiesSchema,
  updatePropertySchema,
  type QuoteQuery,
  type SearchPropertiesQuery,
  type UpdatePropertyDto,
} from './listing.dto';
import type { Page } from './page-cursor';
import { PropertyService } from './property.service';
import {
  imageViewSchema,
  propertySummaryViewSchema,
  propertyViewSchema,
  quoteViewSchema,
} from './rentals-view.schemas';
import type { PropertySummaryView, PropertyView, QuoteView } from './rentals.views';
import { readUpload } from './upload.stream';
import { entityIdSchema } from './entity-id.dto';

@Controller('v1/properties')
export class PropertyController {
  constructor(
    private readonly properties: PropertyService,
    private readonly images: ImageService,
  ) {}

  @Post()
  @Roles('host')
  @ApiDoc({
    summary: 'List a property (unpublished until the host publishes it)',
    responses: { 201: { description: 'the new listing', schema: propertyViewSchema } },
  })
  create(
    @CurrentUser() host: Principal,
    @Body(validate(createPropertySchema)) dto: CreatePropertyDto,
  ): Promise<PropertyView> {
    return this.properties.create(host, dto);
  }

  /** The public search (docs/architecture.md#search-and-availability). */
  @Get()
  @Public()
  @ApiDoc({
    summary: 'Search published listings, by city, country, dates, guests and price',
    responses: {
      200: {
        description: 'a page of listings; with dates, only those free then, each with its price',
        schema: pageSchema(propertySummaryViewSchema),
      },
    },
  })
  search(
    @Query(validate(searchPropertiesSchema)) query: SearchPropertiesQuery,
  ): Promise<Page<PropertySummaryView>> {
    return this.properties.search(query);
  }

  @Get(':id/quote')
  @Public()
  @ApiDoc({
    summary: 'Price a stay at a property',
    responses: { 200: { description: 'the price breakdown', schema: quoteViewSchema } },
  })
  quote(
    @Param('id', validate(entityIdSchema)) id: string,
    @Query(validate(quoteQuerySchema)) query: QuoteQuery,
  ): Promise<QuoteView> {
    return this.properties.quote(id, query);
  }

  @Patch(':id')
  @Roles('host')
  @ApiDoc({
    summary: 'Change a listing (its host only)',
    responses: { 200: { description: 'the listing as changed', schema: propertyViewSchema } },
  })
  update(
    @CurrentUser() user: Principal,
    @Param('id', validate(entityIdSchema)) id: string,
    @Body(validate(updatePropertySchema)) dto: UpdatePropertyDto,
  ): Promise<PropertyView> {
    return this.properties.update(user, id, dto);
  }

  @Delete(':id/images/:imageId')
  @Roles('host')
  @HttpCode(204)
  @ApiDoc({ summary: 'Delete an image of a listing (its host only)' })
  deleteImage(
    @CurrentUser() user: Principal,
    @Param('id', validate(entityIdSchema)) id: string,
    @Param('imageId', validate(entityIdSchema)) imageId: string,
  ): Promise<void> {
    return this.images.delete(user, id, imageId);
  }

  @Get(':id')
  @Public()
  @ApiDoc({
    summary: 'Read a listing (an unpublished one only by its host)',
    responses: { 200: { description: 'the listing with its images', schema: propertyViewSchema } },
  })
  get(
    @OptionalUser() viewer: Principal | null,
    @Param('id', validate(entityIdSchema)) id: string,
  ): Promise<PropertyView> {
    return this.properties.get(id, viewer);
  }

  @Post(':id/images')
  @Roles('host')
  @HttpCode(202)
  @ApiDoc({
    summary: 'Upload an image of a listing; variants are made in the background',
    requestBody: {
      contentType: 'multipart/form-data',
      description: 'one part named `file`: a JPEG, PNG or WebP image',
      schema: z.object({ file: z.string().meta({ format: 'binary' }) }),
    },
    responses: {
      202: { description: 'the image, `processing` until its variants are ready', schema: imageViewSchema },
      413: { description: 'payload_too_large: over the upload limit' },
      415: { description: 'unsupported_media_type: not a JPEG, PNG or WebP image' },
    },
  })
  uploadImage(
    @CurrentUser() user: Principal,
    @Param('id', validate(entityIdSchema)) id: string,
    @Req() request: FastifyRequest,
  ) {
    return this.images.upload(user, id, () => readUpload(request, 'file'));
  }
}
