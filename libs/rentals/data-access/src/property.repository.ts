import { Injectable } from '@nestjs/common';
import type { Tx } from '@rentguy/platform/database';
import { DataSource } from 'typeorm';
import { PropertyEntity } from './property.entity';

export type NewProperty = Omit<PropertyEntity, 'createdAt' | 'updatedAt' | 'cleaningFee'> & {
  cleaningFee?: number;
};

@Injectable()
export class PropertyRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(property: NewProperty, tx: Tx = this.dataSource.manager): Promise<PropertyEntity> {
    const repository = tx.getRepository(PropertyEntity);
    await repository.insert(repository.create(property));
    return repository.findOneByOrFail({ id: property.id });
  }

  findById(id: string, tx: Tx = this.dataSource.manager): Promise<PropertyEntity | null> {
    return tx.getRepository(PropertyEntity).findOneBy({ id });
  }
}
