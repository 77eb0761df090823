import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentUser, Roles, validate, type Principal } from '@rentguy/platform/http';
import { ApplicationService } from './application.service';
import { createApplicationSchema, type CreateApplicationDto } from './create-application.dto';
import type { ApplicationView } from './rentals.views';

@Controller('v1/applications')
export class ApplicationController {
  constructor(private readonly applications: ApplicationService) {}

  @Post()
  @Roles('guest')
  @HttpCode(202)
  create(
    @CurrentUser() guest: Principal,
    @Body(validate(createApplicationSchema)) dto: CreateApplicationDto,
  ) {
    return this.applications.create(guest, dto);
  }

  @Get(':id')
  get(@CurrentUser() user: Principal, @Param('id') id: string): Promise<ApplicationView> {
    return this.applications.get(user, id);
  }
}
