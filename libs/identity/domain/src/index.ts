export { normalizeEmail } from './email.policy';
export { newSecretToken, secretTokenDigest } from './secret-token';
