export { normalizeEmail } from './email.policy';
