export { LOCALES, DEFAULT_LOCALE, type Locale, type RenderedEmail } from './email-template.model';
export {
  templateCatalog,
  isTemplateName,
  emailSubject,
  renderStoredEmail,
  resolveLocale,
  type TemplateName,
  type TemplatePayload,
} from './template-catalog';
