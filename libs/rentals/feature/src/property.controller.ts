import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CurrentUser, Public, Roles, validate, type Principal } from '@rentguy/platform/http';
import type { FastifyRequest } from 'fastify';
import { createPropertySchema, type CreatePropertyDto } from './create-property.dto';
import { ImageService } from './image.service';
import { PropertyService } from './property.service';
import type { PropertyView } from './rentals.views';
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

  @Get(':id')
  @Public()
  get(@Param('id') id: string): Promise<PropertyView> {
    return this.properties.get(id);
  }

  @Post(':id/images')
  @Roles('host')
  @HttpCode(202)
  uploadImage(@CurrentUser() host: Principal, @Param('id') id: string, @Req() request: FastifyRequest) {
    return this.images.upload(host, id, () => readUpload(request, 'file'));
  }
}
