export { LOCALES, DEFAULT_LOCALE, type Locale, type RenderedEmail } from './email-template.model';
export {
  templateCatalog,
  templateCategories,
  isTemplateName,
  emailSubject,
  renderStoredEmail,
  resolveLocale,
  storedAfterSending,
  type TemplateName,
  type TemplatePayload,
} from './template-catalog';
export { type RenderExtras } from './email-template';
export {
  NOTIFICATION_CATEGORIES,
  SWITCHABLE_CATEGORIES,
  isSwitchable,
  isWanted,
  type NotificationCategory,
  type SwitchableCategory,
} from './notification-category';
export { unsubscribePage, type UnsubscribeState } from './unsubscribe.page';
