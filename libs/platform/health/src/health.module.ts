import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { OpsServer } from './ops.server';
import { ReadinessRegistry } from './readiness.registry';

@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  providers: [ReadinessRegistry, OpsServer],
  exports: [ReadinessRegistry, OpsServer],
})
export class HealthModule {}
