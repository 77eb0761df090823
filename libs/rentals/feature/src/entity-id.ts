import { z } from 'zod';

const uuid = z.uuid();

/** Ids come from URLs: anything that is not a UUID names nothing, so it is a 404, not a 400. */
export const isEntityId = (value: string): boolean => uuid.safeParse(value).success;
