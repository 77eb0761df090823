/**
 * What a message is about, for the recipient's preferences. `transactional` messages (a booking, a
 * payment, a password reset) are always sent; the others can be switched off, and every one of them
 * carries a one-click unsubscribe link.
 */
export const NOTIFICATION_CATEGORIES = ['transactional', 'host_tips', 'product_news'] as const;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];

export const SWITCHABLE_CATEGORIES = ['host_tips', 'product_news'] as const;
export type SwitchableCategory = (typeof SWITCHABLE_CATEGORIES)[number];

export function isSwitchable(category: string): category is SwitchableCategory {
  return (SWITCHABLE_CATEGORIES as readonly string[]).includes(category);
}

/** Whether `preferences` (switchable categories only; a missing one is on) let a message through. */
export function isWanted(
  category: NotificationCategory,
  preferences: Readonly<Record<string, boolean>>,
): boolean {
  return !isSwitchable(category) || preferences[category] !== false;
}
