/** What a user may do on the platform; carried in access tokens, stored with the account. */
export const ROLES = ['guest', 'host', 'admin'] as const;
export type Role = (typeof ROLES)[number];
