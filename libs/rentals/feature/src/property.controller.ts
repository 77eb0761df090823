import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { CurrentUser, OptionalUser, Public, Roles, validate, type Principal } from '@rentguy/platform/http';
import type { FastifyRequest } from 'fastify';
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
import type { PropertySummaryView, PropertyView, QuoteView } from './rentals.views';
import { readUpload } from './upload.stream';

@Controller('v1/properties')
export class PropertyController {
  constructor(
    private readonly properties: PropertyService,
    private readonly images: ImageService,
  ) {}

  @Post()
  @Roles('host')
  create(
    @CurrentUser() host: Principal,
    @Body(validate(createPropertySchema)) dto: CreatePropertyDto,
  ): Promise<PropertyView> {
    return this.properties.create(host, dto);
  }

  /** The public search (docs/architecture.md#search-and-availability). */
  @Get()
  @Public()
  search(
    @Query(validate(searchPropertiesSchema)) query: SearchPropertiesQuery,
  ): Promise<Page<PropertySummaryView>> {
    return this.properties.search(query);
  }

  @Get(':id/quote')
  @Public()
  quote(@Param('id') id: string, @Query(validate(quoteQuerySchema)) query: QuoteQuery): Promise<QuoteView> {
    return this.properties.quote(id, query);
  }

  @Patch(':id')
  @Roles('host')
  update(
    @CurrentUser() user: Principal,
    @Param('id') id: string,
    @Body(validate(updatePropertySchema)) dto: UpdatePropertyDto,
  ): Promise<PropertyView> {
    return this.properties.update(user, id, dto);
  }

  @Delete(':id/images/:imageId')
  @Roles('host')
  @HttpCode(204)
  deleteImage(
    @CurrentUser() user: Principal,
    @Param('id') id: string,
    @Param('imageId') imageId: string,
  ): Promise<void> {
    return this.images.delete(user, id, imageId);
  }

  @Get(':id')
  @Public()
  get(@OptionalUser() viewer: Principal | null, @Param('id') id: string): Promise<PropertyView> {
    return this.properties.get(id, viewer);
  }

  @Post(':id/images')
  @Roles('host')
  @HttpCode(202)
  uploadImage(@CurrentUser() host: Principal, @Param('id') id: string, @Req() request: FastifyRequest) {
    return this.images.upload(host, id, () => readUpload(request, 'file'));
  }
}
