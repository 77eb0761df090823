export { IdentityModule } from './identity.module';
export { identityConfig } from './identity.config';
export { AccessTokenIssuer, type IssuedAccessToken } from './access-token.issuer';
export { registerSchema, type RegisterDto, type RegisterResponse } from './register.dto';
export { loginSchema, type LoginDto, type LoginResponse } from './login.dto';
export { refreshSchema, type RefreshDto } from './refresh.dto';
export { ApiKeysModule } from './api-keys/api-keys.module';
export { API_KEY_SCOPES, type ApiKeyScope } from './api-keys/api-key.scopes';
