export type { CaughtAttachment, CaughtMail, MailEnvelope } from './caught-mail.model';
export { freePort } from './free-port.util';
export { startMailCatcher, type MailCatcher, type MailCatcherOptions } from './mail-catcher.server';
export { waitUntil, type WaitUntilOptions } from './wait-until.util';
