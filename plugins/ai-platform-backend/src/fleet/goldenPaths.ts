import { GoldenPathEntity } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The annotation the scaffolder's `catalog:register` (and the golden-path
 * render action) sets on entities a template created.
 *
 * @internal
 */
export const ANNOTATION_SOURCE_TEMPLATE = 'backstage.io/source-template';

/**
 * Committer time of the GitOps commit that added the entity's file (set by
 * the catalog module's GitOps entity provider): when the template ran.
 *
 * @internal
 */
export const ANNOTATION_GITOPS_CREATED_TIME =
  'aiplatform.io/gitops-created-time';

/**
 * Committer time of the entity's latest GitOps commit; the fallback when the
 * created time is missing.
 *
 * @internal
 */
export const ANNOTATION_GITOPS_COMMIT_TIME = 'aiplatform.io/gitops-commit-time';

/** Monday 00:00 UTC of the week of `date`, as `YYYY-MM-DD`. */
export function isoWeekStart(date: Date): string {
  const day = new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()),
  );
  const daysSinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - daysSinceMonday * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

export function createdAtSourceOf(
  createdTime: Date | undefined,
  commitTime: Date | undefined,
): GoldenPathEntity['createdAtSource'] {
  if (createdTime) {
    return 'gitops-created-time';
  }
  return commitTime ? 'gitops-commit-time' : null;
}

export function median(values: number[]): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}
