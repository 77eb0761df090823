import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import type { Principal } from '@rentguy/platform/http';
import { ImageRepository, PropertyRepository } from '@rentguy/rentals/data-access';
import type { CreatePropertyDto } from './create-property.dto';
import { isEntityId } from './entity-id';
import { rentalsConfig } from './rentals.config';
import { toImageView, toPropertyView, type PropertyView } from './rentals.views';

@Injectable()
export class PropertyService {
  constructor(
    private readonly properties: PropertyRepository,
    private readonly images: ImageRepository,
    @InjectConfig(rentalsConfig) private readonly config: ConfigOf<typeof rentalsConfig>,
  ) {}

  async create(host: Principal, dto: CreatePropertyDto): Promise<PropertyView> {
    const property = await this.properties.insert({ id: randomUUID(), hostId: host.id, ...dto });
    return toPropertyView(property, []);
  }

  async get(id: string): Promise<PropertyView> {
    const property = isEntityId(id) ? await this.properties.findById(id) : null;
    if (!property) {
      throw new DomainError(ErrorCode.NotFound, 'property not found');
    }
    const images = await this.images.listByProperty(property.id);
    return toPropertyView(
      property,
      images.map((image) => toImageView(image, this.config.PUBLIC_BASE_URL)),
    );
  }
}
