export { identitySchema } from './identity.schema';
export { UserEntity, type Locale } from './user.entity';
export {
  UserRepository,
  type NewUser,
  type ProfileChange,
  type User,
  type UserListPosition,
  type UserListQuery,
} from './user.repository';
export { PasswordResetRepository, type NewPasswordReset } from './password-reset.repository';
export {
  SessionRepository,
  type NewSession,
  type NextToken,
  type RotationOutcome,
} from './session.repository';
export { ApiKeyEntity } from './api-key.entity';
export { ApiKeyRepository, type NewApiKey } from './api-key.repository';
export {
  AuditLogRepository,
  type AuditEntry,
  type AuditFilter,
  type ListedAuditEntry,
} from './audit-log.repository';
