import type { DataSource } from 'typeorm';

/** `"schema"."table"` of an entity in the data source's schema (validated identifiers only). */
export function qualifiedTable(dataSource: DataSource, entity: object): string {
  const metadata = dataSource.getMetadata(entity as never);
  return metadata.tablePath
    .split('.')
    .map((part) => {
      if (!/^[a-z_]+$/.test(part)) {
        throw new Error(`unexpected table path ${metadata.tablePath}`);
      }
      return `"${part}"`;
    })
    .join('.');
}
