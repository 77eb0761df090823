import { All, Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG } from '@rentguy/platform/config';
import { Public } from '@rentguy/platform/http';
import type { EdgeConfig } from './edge.config';
import { EDGE_ROUTES } from './edge.routes';
import { ProxyService } from './proxy.service';

/**
 * Routes public paths to the services (see EDGE_ROUTES). Public at the gateway:
 * each service verifies the bearer token itself, and the gateway forwards it untouched.
 */
// Documented by the services that own these paths, not by the gateway.
@ApiExcludeController()
@Public()
@Controller()
export class EdgeController {
  constructor(
    private readonly proxy: ProxyService,
    @Inject(APP_CONFIG) private readonly config: EdgeConfig,
  ) {}

  @All([...EDGE_ROUTES.rentals])
  rentals(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.forward('rentals', request, reply, { bodyLimit: this.config.BODY_LIMIT_BYTES });
  }

  @Post(EDGE_ROUTES.propertyImageUpload)
  uploadPropertyImage(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.forward('rentals', request, reply, { bodyLimit: this.config.UPLOAD_LIMIT_BYTES });
  }

  @Get(EDGE_ROUTES.images)
  images(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.forward('rentals', request, reply, { bodyLimit: this.config.BODY_LIMIT_BYTES });
  }

  @All([...EDGE_ROUTES.payments])
  payments(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.forward('payments', request, reply, { bodyLimit: this.config.BODY_LIMIT_BYTES });
  }

  @Post(EDGE_ROUTES.stripeWebhook)
  stripeWebhook(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.forward('payments', request, reply, {
      bodyLimit: this.config.BODY_LIMIT_BYTES,
      extraHeaders: ['stripe-signature'],
    });
  }
}
