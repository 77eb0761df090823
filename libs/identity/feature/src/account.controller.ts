import { Body, Controller, Get, Header, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiDoc, CurrentUser, originOf, Roles, validate, type Principal } from '@rentguy/platform/http';
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
import { AdminUsersService } from './admin-users.service';
import { userPageSchema, userViewSchema } from './identity-view.schemas';

/** The caller's own account. */
@Controller('v1/me')
export class AccountController {
  constructor(private readonly accounts: AccountService) {}

  @Get()
  @Header('Cache-Control', 'private, no-store')
  @ApiDoc({
    summary: "The caller's account: id, email, name, role, locale",
    tags: ['account'],
    responses: { 200: { description: "the caller's account", schema: userViewSchema } },
  })
  me(@CurrentUser() caller: Principal): Promise<UserView> {
    return this.accounts.me(caller);
  }

  @Patch()
  @Header('Cache-Control', 'private, no-store')
  @ApiDoc({
    summary: "Change the caller's name or email language (en, nl)",
    tags: ['account'],
    responses: {
      200: { description: 'the account as it is now', schema: userViewSchema },
      400: { description: 'validation_failed (role, email and unknown fields included)' },
    },
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
  @ApiDoc({
    summary: 'Change the password (the current one is required); every other session ends',
    tags: ['account'],
    responses: {
      204: { description: 'changed' },
      401: { description: 'invalid_credentials: the current password is wrong' },
    },
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
@Controller('v1/admin/users')
@Roles('admin')
export class AdminUsersController {
  constructor(private readonly users: AdminUsersService) {}

  @Get()
  @Header('Cache-Control', 'private, no-store')
  @ApiDoc({
    summary: 'Accounts, newest first, by role and/or part of the email (`limit`, `cursor`)',
    responses: { 200: { description: 'a page of accounts', schema: userPageSchema } },
  })
  list(
    @CurrentUser() admin: Principal,
    @Query(validate(adminUsersQuerySchema)) query: AdminUsersQuery,
    @Req() request: FastifyRequest,
  ): Promise<UserPage> {
    return this.users.list(admin, query, originOf(request));
  }

  @Patch(':id')
  @Header('Cache-Control', 'private, no-store')
  @ApiDoc({
    summary: "Change an account's role",
    responses: {
      200: {
        description: 'the account as it is now; the role applies from its next token refresh',
        schema: userViewSchema,
      },
      404: { description: 'not_found' },
    },
  })
  setRole(
    @Param('id', validate(userIdSchema)) id: string,
    @Body(validate(adminUpdateUserSchema)) dto: AdminUpdateUserDto,
    @CurrentUser() admin: Principal,
    @Req() request: FastifyRequest,
  ): Promise<UserView> {
    return this.users.setRole(admin, id, dto.role, originOf(request));
  }
}
