import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { OpsServer } from './ops.server';
import { READINESS_POLICY, ReadinessRegistry, type ReadinessPolicy } from './readiness.registry';

@Global()
@Module({})
export class HealthModule {
  /** `policy.requires`: the dependencies whose outage makes this app unready (see ReadinessRegistry). */
  static forRoot(policy: ReadinessPolicy): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      providers: [{ provide: READINESS_POLICY, useValue: policy }, ReadinessRegistry, OpsServer],
      exports: [ReadinessRegistry, OpsServer],
    };
  }
}
