import { z } from 'zod';

/** A path id (`:id`, `:blockId`, `:feedId`, `:imageId`): every rentals entity is keyed by a UUID. */
export const entityIdSchema = z.uuid();
