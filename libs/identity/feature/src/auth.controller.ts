import { Body, Controller, Header, Headers, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiDoc, Public, validate } from '@rentguy/platform/http';
import {
  passwordResetConfirmSchema,
  passwordResetSchema,
  type PasswordResetConfirmDto,
  type PasswordResetDto,
} from './account.dto';
import { originOf } from '@rentguy/platform/http';
import { AuthService } from './auth.service';
import { PasswordResetService } from './password-reset.service';
import { SessionService } from './session.service';
import { loginResponseSchema, loginSchema, type LoginDto, type LoginResponse } from './login.dto';
import { refreshSchema, type RefreshDto } from './refresh.dto';
import {
  registerResponseSchema,
  registerSchema,
  type RegisterDto,
  type RegisterResponse,
} from './register.dto';

@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
    private readonly resets: PasswordResetService,
  ) {}

  @Public()
  @Post('register')
  @HttpCode(201)
  // Responses carry a bearer token: no cache may keep them.
  @Header('Cache-Control', 'no-store')
  @ApiDoc({
    summary: 'Create a guest or host account and get an access token',
    responses: {
      201: { description: 'the account and an access token', schema: registerResponseSchema },
      409: { description: 'email_taken (emails are case-insensitive)' },
    },
  })
  register(@Body(validate(registerSchema)) dto: RegisterDto): Promise<RegisterResponse> {
    return this.auth.register(dto);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiDoc({
    summary: 'Exchange email and password for an access token and a refresh token',
    responses: {
      200: { description: 'a new session', schema: loginResponseSchema },
      401: { description: 'invalid_credentials (same answer for unknown email and wrong password)' },
    },
  })
  login(
    @Body(validate(loginSchema)) dto: LoginDto,
    @Headers('user-agent') userAgent?: string,
  ): Promise<LoginResponse> {
    return this.auth.login(dto, userAgent);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiDoc({
    summary: 'Swap a refresh token for a new access token and refresh token (single use)',
    responses: {
      200: {
        description: 'the same body as login; the refresh token sent is spent',
        schema: loginResponseSchema,
      },
      401: {
        description:
          'unauthenticated: unknown, expired or logged out; a spent token also ends its whole session',
      },
    },
  })
  refresh(@Body(validate(refreshSchema)) dto: RefreshDto): Promise<LoginResponse> {
    return this.sessions.refresh(dto.refreshToken);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @Header('Cache-Control', 'no-store')
  @ApiDoc({
    summary: 'End the session of a refresh token (idempotent)',
    responses: { 204: { description: 'the session is over: none of its refresh tokens works any more' } },
  })
  async logout(@Body(validate(refreshSchema)) dto: RefreshDto): Promise<void> {
    await this.sessions.logout(dto.refreshToken);
  }

  @Public()
  @Post('password-reset')
  @HttpCode(202)
  @Header('Cache-Control', 'no-store')
  @ApiDoc({
    summary: 'Email a single-use password-reset link (valid 30 minutes) to the address, if it has an account',
    responses: {
      202: { description: 'always, whether or not the address has an account; no body' },
      429: { description: 'rate_limited: too many requests for this address' },
    },
  })
  async requestPasswordReset(@Body(validate(passwordResetSchema)) dto: PasswordResetDto): Promise<void> {
    await this.resets.request(dto.email);
  }

  @Public()
  @Post('password-reset/confirm')
  @HttpCode(204)
  @Header('Cache-Control', 'no-store')
  @ApiDoc({
    summary: 'Set a new password with the token from the email; every session of the user ends',
    responses: {
      204: { description: 'the password is set; the token is spent' },
      401: { description: 'unauthenticated: unknown, expired or already used token' },
    },
  })
  async confirmPasswordReset(
    @Body(validate(passwordResetConfirmSchema)) dto: PasswordResetConfirmDto,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.resets.confirm(dto, originOf(request));
  }
}
