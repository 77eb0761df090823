/** Emails are case-insensitive: `Ann@X.io` and `ann@x.io` are one account. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
