import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiDoc, CurrentUser, Roles, validate, type Principal } from '@rentguy/platform/http';
import { ApplicationService } from './application.service';
import { createApplicationSchema, type CreateApplicationDto } from './create-application.dto';
import { guestApplicationsQuerySchema, type GuestApplicationsQuery } from './listing.dto';
import type { Page } from './page-cursor';
import { applicationPageSchema, applicationViewSchema } from './rentals-view.schemas';
import type { ApplicationView } from './rentals.views';
import { entityIdSchema } from './entity-id.dto';

@Controller('v1/applications')
export class ApplicationController {
  constructor(private readonly applications: ApplicationService) {}

  @Post()
  @Roles('guest')
  @HttpCode(202)
  @ApiDoc({
    summary: 'Apply for a long-term let; the background check runs asynchronously (consent required)',
    responses: {
      202: { description: 'the application, `screening` until decided', schema: applicationViewSchema },
    },
  })
  create(
    @CurrentUser() guest: Principal,
    @Body(validate(createApplicationSchema)) dto: CreateApplicationDto,
  ) {
    return this.applications.create(guest, dto);
  }

  @Get()
  @Roles('guest')
  @ApiDoc({
    summary: "List the caller's own applications and where each one stands",
    responses: { 200: { description: 'a page of applications', schema: applicationPageSchema } },
  })
  list(
    @CurrentUser() guest: Principal,
    @Query(validate(guestApplicationsQuerySchema)) query: GuestApplicationsQuery,
  ): Promise<Page<ApplicationView>> {
    return this.applications.listOwn(guest, query);
  }

  @Get(':id')
  @ApiDoc({
    summary: 'Read an application and its outcome (never the applicant’s personal data)',
    responses: { 200: { description: 'the application', schema: applicationViewSchema } },
  })
  get(
    @CurrentUser() user: Principal,
    @Param('id', validate(entityIdSchema)) id: string,
  ): Promise<ApplicationView> {
    return this.applications.get(user, id);
  }
}
