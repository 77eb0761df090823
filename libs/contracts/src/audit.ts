/**
 * Sensitive actions the audit log records (identity's `audit_log`). The gateway records its own
 * directly; another service reports one with an `audit.recorded` event and never writes identity's
 * tables. Names are stored, so they never change once used.
 */
export const AUDIT_ACTIONS = [
  'api_key.created',
  'api_key.revoked',
  'user.role_changed',
  'user.password_changed',
  'user.password_reset',
  'admin.user_viewed',
  'booking.cancelled_by_host',
  'booking.cancelled_by_admin',
  'refund.issued_by_admin',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
