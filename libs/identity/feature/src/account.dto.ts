import { z } from 'zod';
import { ROLES, type Role } from '@rentguy/contracts';
import { localeSchema, newPasswordSchema } from './register.dto';

/** `PATCH /v1/me`: the caller's name and email language; nothing else is theirs to change. */
export const updateMeSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    locale: localeSchema.optional(),
  })
  .refine((dto) => dto.name !== undefined || dto.locale !== undefined, 'name or locale is required');
export type UpdateMeDto = z.infer<typeof updateMeSchema>;

/** `POST /v1/me/password`. */
export const changePasswordSchema = z.strictObject({
  currentPassword: z.string().min(1).max(200),
  newPassword: newPasswordSchema,
});
export type ChangePasswordDto = z.infer<typeof changePasswordSchema>;

/** `POST /v1/auth/password-reset`. */
export const passwordResetSchema = z.strictObject({ email: z.string().min(1).max(254) });
export type PasswordResetDto = z.infer<typeof passwordResetSchema>;

/** `POST /v1/auth/password-reset/confirm`: the token from the email (43 base64url characters). */
export const passwordResetConfirmSchema = z.strictObject({
  token: z.string().min(1).max(200),
  newPassword: newPasswordSchema,
});
export type PasswordResetConfirmDto = z.infer<typeof passwordResetConfirmSchema>;

/** `GET /v1/admin/users`. */
export const adminUsersQuerySchema = z.strictObject({
  role: z.enum(ROLES).optional(),
  email: z.string().trim().min(1).max(254).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});
export type AdminUsersQuery = z.infer<typeof adminUsersQuerySchema>;

/** `PATCH /v1/admin/users/:id`. */
export const adminUpdateUserSchema = z.strictObject({ role: z.enum(ROLES) });
export type AdminUpdateUserDto = z.infer<typeof adminUpdateUserSchema>;

export const userIdSchema = z.uuid();

/** A user as the account routes show them; never the password hash. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: 'en' | 'nl';
  createdAt: string;
}

export interface UserPage {
  items: UserView[];
  nextCursor: string | null;
}
