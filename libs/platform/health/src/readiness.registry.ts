import { Inject, Injectable, Optional } from '@nestjs/common';

/** Resolves when the dependency is usable; rejects (with a reason) when it is not. */
export type ReadinessCheck = () => Promise<unknown>;

/** Each app's readiness policy: the dependencies without which this instance can serve none of its traffic. */
export interface ReadinessPolicy {
  requires: readonly string[];
}

export const READINESS_POLICY = Symbol('READINESS_POLICY');

/**
 * The dependencies an app really uses register themselves here (the database module adds
 * `postgres`, messaging adds `kafka`, the queue registry `redis`). Every one is checked and reported
 * by `/health/ready` and the `dependency_up` metric; only those the app's policy `requires` make the
 * instance unready. A dependency the app degrades around (outbox for Kafka, job sweeps for Redis)
 * never does: it is shared by every replica, so failing readiness on it would take all of them out
 * of their Service at once.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly required: ReadonlySet<string>;
  private draining = false;

  constructor(@Optional() @Inject(READINESS_POLICY) policy?: ReadinessPolicy) {
    this.required = new Set(policy?.requires ?? []);
  }

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  entries(): [string, ReadinessCheck][] {
    return [...this.checks.entries()];
  }

  isRequired(name: string): boolean {
    return this.required.has(name);
  }

  /** From now on readiness answers 503 so load balancers stop sending traffic before we drain. */
  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }
}
