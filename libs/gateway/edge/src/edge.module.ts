import { Module } from '@nestjs/common';
import { EdgeController } from './edge.controller';
import { ProxyService } from './proxy.service';
import { UpstreamClient } from './upstream.client';

/**
 * The public edge's routing to the services. The app must also call `installEdgeBodyParsers`
 * in its bootstrap, so proxied bodies pass through unparsed.
 */
@Module({
  controllers: [EdgeController],
  providers: [ProxyService, UpstreamClient],
})
export class EdgeModule {}
