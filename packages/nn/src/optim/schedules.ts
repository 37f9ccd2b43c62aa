/**
 * Learning-rate schedules: multipliers of the base rate as a function of the step.
 *
 * @module
 */
import { DomainError } from '@numts/core';
import type { Optimizer } from './optimizers.js';

/** A schedule: step (0-based) → multiplier of the base learning rate. */
export type Schedule = (step: number) => number;

/** Always 1. */
export const constantSchedule = (): Schedule => () => 1;

/** γ^⌊step/stepSize⌋. */
export function stepSchedule(stepSize: number, gamma = 0.1): Schedule {
  if (!Number.isInteger(stepSize) || stepSize < 1)
    throw new DomainError(`stepSchedule: stepSize must be a positive integer (got ${stepSize})`);
  return (t) => gamma ** Math.floor(t / stepSize);
}

/** Cosine decay from 1 to minFactor over `total` steps (then minFactor). */
export function cosineSchedule(total: number, minFactor = 0): Schedule {
  if (!(total > 0)) throw new DomainError(`cosineSchedule: total must be > 0 (got ${total})`);
  return (t) => minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos((Math.PI * Math.min(t, total)) / total));
}

/** (1 − step/total)^power (DeepLab's "poly"), 0 after `total`. */
export function polySchedule(total: number, power = 0.9): Schedule {
  if (!(total > 0)) throw new DomainError(`polySchedule: total must be > 0 (got ${total})`);
  return (t) => Math.max(0, 1 - t / total) ** power;
}

/** Linear warm-up from 0 over `steps` steps, then `after` shifted by the warm-up. */
export function warmup(steps: number, after: Schedule = constantSchedule()): Schedule {
  if (!Number.isInteger(steps) || steps < 0)
    throw new DomainError(`warmup: steps must be a non-negative integer (got ${steps})`);
  return (t) => (t < steps ? (t + 1) / steps : after(t - steps));
}

/** Applies a schedule to every parameter group of an optimizer: call `step()` after each optimizer step. */
export class LrScheduler {
  private readonly base: number[];
  private t = 0;
  constructor(
    private readonly optimizer: Optimizer,
    private readonly schedule: Schedule,
  ) {
    this.base = optimizer.groups.map((g) => g.lr);
    this.apply();
  }
  /** Advances one step and sets the learning rates. */
  step(): void {
    this.t++;
    this.apply();
  }
  /** The current learning rate of each group. */
  get rates(): number[] {
    return this.optimizer.groups.map((g) => g.lr);
  }
  private apply(): void {
    const f = this.schedule(this.t);
    this.optimizer.groups.forEach((g, i) => {
      g.lr = this.base[i]! * f;
    });
  }
}
