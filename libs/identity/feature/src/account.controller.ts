import { Body, Controller, Get, Header, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles, validate, type Principal } from '@rentguy/platform/http';
import {
  adminUpdateUserSchema,
  adminUsersQuerySchema,
  changePasswordSchema,
  updateMeSchema,
  userIdSchema,
  type AdminUpdateUserDto,
  type AdminUsersQuery,
  type ChangePasswordDto,
  type UpdateMeDto,
  type UserPage,
  type UserView,
} from './account.dto';
import { AccountService } from './account.service';
import { originOf } from '@rentguy/platform/http';
import { AdminUsersService } from './admin-users.service';
import { errorBody, openApi } from './auth.controller';

/** The caller's own account. */
@ApiTags('account')
@ApiBearerAuth()
@Controller('v1/me')
export class AccountController {
  constructor(private readonly accounts: AccountService) {}

  @Get()
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({ summary: "The caller's account: id, email, name, role, locale" })
  @ApiResponse({ status: 200, description: '`{ id, email, name, role, locale, createdAt }`' })
  me(@CurrentUser() caller: Principal): Promise<UserView> {
    return this.accounts.me(caller);
  }

  @Patch()
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({ summary: "Change the caller's name or email language (en, nl)" })
  @ApiBody({ schema: openApi(updateMeSchema) })
  @ApiResponse({ status: 200, description: 'the account as it is now' })
  @ApiResponse({
    status: 400,
    description: 'validation_failed (role, email and unknown fields included)',
    schema: errorBody,
  })
  update(
    @CurrentUser() caller: Principal,
    @Body(validate(updateMeSchema)) dto: UpdateMeDto,
  ): Promise<UserView> {
    return this.accounts.update(caller, dto);
  }

  @Post('password')
  @HttpCode(204)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Change the password (the current one is required); every other session ends' })
  @ApiBody({ schema: openApi(changePasswordSchema) })
  @ApiResponse({ status: 204, description: 'changed' })
  @ApiResponse({
    status: 401,
    description: 'invalid_credentials: the current password is wrong',
    schema: errorBody,
  })
  async changePassword(
    @CurrentUser() caller: Principal,
    @Body(validate(changePasswordSchema)) dto: ChangePasswordDto,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.accounts.changePassword(caller, dto, originOf(request));
  }
}

/** Every account, for admins. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/users')
@Roles('admin')
export class AdminUsersController {
  constructor(private readonly users: AdminUsersService) {}

  @Get()
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({ summary: 'Accounts, newest first, by role and/or part of the email (`limit`, `cursor`)' })
  @ApiResponse({ status: 200, description: '`{ items: [user], nextCursor }`' })
  list(
    @CurrentUser() admin: Principal,
    @Query(validate(adminUsersQuerySchema)) query: AdminUsersQuery,
    @Req() request: FastifyRequest,
  ): Promise<UserPage> {
    return this.users.list(admin, query, originOf(request));
  }

  @Patch(':id')
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({ summary: "Change an account's role" })
  @ApiBody({ schema: openApi(adminUpdateUserSchema) })
  @ApiResponse({
    status: 200,
    description: 'the account as it is now; the role applies from its next token refresh',
  })
  @ApiResponse({ status: 404, description: 'not_found', schema: errorBody })
  setRole(
    @Param('id', validate(userIdSchema)) id: string,
    @Body(validate(adminUpdateUserSchema)) dto: AdminUpdateUserDto,
    @CurrentUser() admin: Principal,
    @Req() request: FastifyRequest,
  ): Promise<UserView> {
    return this.users.setRole(admin, id, dto.role, originOf(request));
  }
}
