import { All, Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { imageUploadConfig } from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { ExcludeFromApiDoc, httpConfig, Public } from '@rentguy/platform/http';
import { EDGE_ROUTE_UPSTREAMS, EDGE_ROUTES } from './edge.routes';
import { ProxyService } from './proxy.service';

/**
 * Routes public paths to the services (see EDGE_ROUTES). Public at the gateway:
 * each service verifies the bearer token itself, and the gateway forwards it untouched.
 */
// Documented by the services that own these paths, not by the gateway.
@ExcludeFromApiDoc()
@Public()
@Controller()
export class EdgeController {
  private readonly bodyLimit: number;
  private readonly uploadLimit: number;

  constructor(
    private readonly proxy: ProxyService,
    @InjectConfig(httpConfig) http: ConfigOf<typeof httpConfig>,
    @InjectConfig(imageUploadConfig) upload: ConfigOf<typeof imageUploadConfig>,
  ) {
    this.bodyLimit = http.BODY_LIMIT_BYTES;
    this.uploadLimit = upload.UPLOAD_LIMIT_BYTES;
  }

  @All([...EDGE_ROUTES.rentals])
  rentals(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.forward(EDGE_ROUTE_UPSTREAMS.rentals, request, reply, { bodyLimit: this.bodyLimit });
  }

  @Post(EDGE_ROUTES.propertyImageUpload)
  uploadPropertyImage(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.forward(EDGE_ROUTE_UPSTREAMS.propertyImageUpload, request, reply, {
      bodyLimit: this.uploadLimit,
    });
  }

  @Get(EDGE_ROUTES.images)
  images(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.forward(EDGE_ROUTE_UPSTREAMS.images, request, reply, { bodyLimit: this.bodyLimit });
  }

  @All([...EDGE_ROUTES.payments])
  payments(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.forward(EDGE_ROUTE_UPSTREAMS.payments, request, reply, { bodyLimit: this.bodyLimit });
  }

  @Post(EDGE_ROUTES.stripeWebhook)
  stripeWebhook(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.forward(EDGE_ROUTE_UPSTREAMS.stripeWebhook, request, reply, {
      bodyLimit: this.bodyLimit,
      extraHeaders: ['stripe-signature'],
    });
  }

  @Post(EDGE_ROUTES.mollieWebhook)
  mollieWebhook(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.forward(EDGE_ROUTE_UPSTREAMS.mollieWebhook, request, reply, {
      bodyLimit: this.bodyLimit,
    });
  }

  @All([...EDGE_ROUTES.notifications])
  notifications(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.forward(EDGE_ROUTE_UPSTREAMS.notifications, request, reply, {
      bodyLimit: this.bodyLimit,
    });
  }
}
