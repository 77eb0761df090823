import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import type { ScreeningOutcome } from '@rentguy/rentals/domain';

/** Job counts and durations come from the queue library; this says what was decided. */
@Injectable()
export class ScreeningMetrics {
  private readonly decisions;

  constructor(metrics: MetricsRegistry) {
    this.decisions = metrics.counter({
      name: 'screening_decisions_total',
      help: 'Applications decided by the screening worker, by outcome',
      labelNames: ['outcome'],
    });
  }

  decided(outcome: ScreeningOutcome): void {
    this.decisions.inc({ outcome });
  }
}
