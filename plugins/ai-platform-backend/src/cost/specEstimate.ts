import { Entity } from '@backstage/catalog-model';
import { asRecord, parseTime } from '../fleet/catalogEntityFields';
import {
  ANNOTATION_GITOPS_COMMIT_TIME,
  ANNOTATION_GITOPS_CREATED_TIME,
} from '../fleet/goldenPaths';

const HOUR_MS = 60 * 60 * 1000;

/**
 * The label every spec-estimated figure carries.
 *
 * @internal
 */
export const SPEC_ESTIMATE_LABEL = 'estimated from the spec';

/**
 * The start and end of the UTC month of `now`.
 *
 * @internal
 */
export function utcMonthOf(now: Date): { start: Date; end: Date } {
  return {
    start: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    end: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
  };
}

/**
 * When the entity was created: the GitOps commit that added its file
 * (`aiplatform.io/gitops-created-time`), else its latest GitOps commit
 * (`aiplatform.io/gitops-commit-time`); `undefined` when neither is set.
 *
 * @internal
 */
export function entityCreatedAt(
  entity: Entity,
): { at: Date; annotation: string } | undefined {
  const annotations = entity.metadata.annotations ?? {};
  for (const annotation of [
    ANNOTATION_GITOPS_CREATED_TIME,
    ANNOTATION_GITOPS_COMMIT_TIME,
  ]) {
    const at = parseTime(annotations[annotation]);
    if (at) {
      return { at, annotation };
    }
  }
  return undefined;
}

/**
 * GPU-hours a self-hosted endpoint holds by its spec.
 *
 * @internal
 */
export interface SpecGpuHoursEstimate {
  /** `spec.serving.replicas.min`. */
  replicasMin: number;
  gpusPerReplica: number;
  /** max(month start, created time), never after `to`. */
  from: Date;
  /** Why `from` is what it is: `month start` or the annotation used. */
  fromReason: string;
  to: Date;
  /** Hours from `from` to `to`. */
  hours: number;
  /** replicasMin × gpusPerReplica × hours. */
  gpuHours: number;
  /** GPU-hours if the allocation is held from `from` to the month's end. */
  monthGpuHours: number;
}

/**
 * The allocation estimate of the GPU-hours a self-hosted endpoint held this
 * UTC month to `now`: `replicas.min` × GPUs per replica × hours since
 * max(month start, the entity's created time). Exact: no rounding.
 *
 * @returns the estimate, or a sentence naming the missing field
 * @internal
 */
export function estimateGpuHoursFromSpec(
  entity: Entity,
  gpusPerReplica: number,
  now: Date,
): SpecGpuHoursEstimate | { problem: string } {
  const replicas = asRecord(asRecord(asRecord(entity.spec).serving).replicas);
  const replicasMin = replicas.min;
  if (
    typeof replicasMin !== 'number' ||
    !Number.isFinite(replicasMin) ||
    replicasMin < 0
  ) {
    return {
      problem:
        'No spec estimate: spec.serving.replicas.min is not set to a number of replicas >= 0',
    };
  }
  const month = utcMonthOf(now);
  const created = entityCreatedAt(entity);
  const createdLater = created && created.at > month.start;
  const from = new Date(
    Math.min(
      now.getTime(),
      createdLater ? created.at.getTime() : month.start.getTime(),
    ),
  );
  const hours = (now.getTime() - from.getTime()) / HOUR_MS;
  const monthHours =
    (month.end.getTime() - Math.min(from.getTime(), month.end.getTime())) /
    HOUR_MS;
  return {
    replicasMin,
    gpusPerReplica,
    from,
    fromReason: createdLater ? created.annotation : 'month start',
    to: now,
    hours,
    gpuHours: replicasMin * gpusPerReplica * hours,
    monthGpuHours: replicasMin * gpusPerReplica * monthHours,
  };
}
