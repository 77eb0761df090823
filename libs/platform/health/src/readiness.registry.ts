import { Injectable } from '@nestjs/common';

/** Resolves when the dependency is usable; rejects (with a reason) when it is not. */
export type ReadinessCheck = () => Promise<unknown>;

/**
 * The dependencies an app really uses register themselves here (the database module adds
 * `postgres`, messaging adds `kafka`, …), so `/health/ready` checks exactly what the app needs.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private draining = false;

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  entries(): [string, ReadinessCheck][] {
    return [...this.checks.entries()];
  }

  /** From now on readiness answers 503 so load balancers stop sending traffic before we drain. */
  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }
}
