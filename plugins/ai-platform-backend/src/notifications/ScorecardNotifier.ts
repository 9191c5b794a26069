import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { normalizeTelemetryEntityRef } from '../database/telemetrySubject';
import type {
  ScorecardCheckResult,
  ScorecardEvaluation,
  ScorecardResultStore,
} from '../scorecards/types';
import {
  AI_PLATFORM_NOTIFICATION_TOPICS,
  type AiPlatformNotifier,
} from './AiPlatformNotifier';
import {
  notifiedCheckKey,
  type NotificationStateStore,
} from './DatabaseNotificationStateStore';

const MINUTE_MS = 60_000;

/** The owner of an entity as a group (or user) ref, or undefined. */
function ownerRefOf(entity: Entity): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || owner.length === 0) {
    return undefined;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

/** The scorecard tab of an entity in the portal. */
export function scorecardLink(entity: Entity): string {
  const { kind } = entity;
  const namespace = entity.metadata.namespace ?? 'default';
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(entity.metadata.name)}/scorecard`;
}

function topicOf(check: ScorecardCheckResult, failed: boolean): string {
  if (check.checkId === 'budget-forecast') {
    return AI_PLATFORM_NOTIFICATION_TOPICS.budgetForecast;
  }
  if (check.category === 'governance') {
    return AI_PLATFORM_NOTIFICATION_TOPICS.governance;
  }
  return failed
    ? AI_PLATFORM_NOTIFICATION_TOPICS.checkFailed
    : AI_PLATFORM_NOTIFICATION_TOPICS.checkRecovered;
}

function titleOf(
  entityRef: string,
  checks: ScorecardCheckResult[],
  failed: boolean,
): string {
  if (checks.length === 1 && checks[0].checkId === 'budget-forecast') {
    return failed
      ? `${entityRef}: month-end forecast over budget`
      : `${entityRef}: month-end forecast back within budget`;
  }
  const ids = checks.map(check => check.checkId).join(', ');
  return `${entityRef}: ${ids} ${failed ? 'failed' : 'recovered'}`;
}

/**
 * Tells an entity's owning group when a scorecard check changes to `fail`
 * and when it recovers (from `fail` to `pass` or `warn`), once per change
 * (the changes of one entity in one run under one topic share a
 * notification, e.g. "governance:eval-suite, governance:slo failed"):
 * each result is compared with what the owners were last told about that
 * check (stored), not with every evaluation, so a check that stays red is
 * not repeated and a brief `not-enough-data` in between is not a change. A
 * failure within `cooldownMinutes` of the check's last notification is held
 * back (a flapping check) and notified by a later evaluation once the
 * cooldown is over, if it still fails. The budget forecast crossing the
 * budget is the `budget-forecast` check failing, under its own topic.
 *
 * @internal
 */
export class ScorecardNotifier {
  constructor(
    private readonly options: {
      notifier: AiPlatformNotifier;
      stateStore: NotificationStateStore;
      cooldownMinutes: number;
    },
  ) {}

  /**
   * Notifies the changes of the latest stored evaluations of these entities
   * (the scheduled scorecard run calls this after evaluating them).
   */
  async notifyLatest(
    entities: Entity[],
    resultStore: Pick<ScorecardResultStore, 'getLatestEvaluations'>,
    now: Date,
  ): Promise<number> {
    const evaluations = await resultStore.getLatestEvaluations(
      entities.map(entity =>
        normalizeTelemetryEntityRef(stringifyEntityRef(entity)),
      ),
    );
    return this.notifyChanges(entities, evaluations, now);
  }

  /**
   * Notifies the changes of one evaluation just made (an on-demand
   * `POST …/evaluate`), judged against what the owners were last told like
   * the scheduled run's, so the next scheduled run does not repeat it.
   */
  async notifyEvaluation(
    entity: Entity,
    evaluation: ScorecardEvaluation,
  ): Promise<number> {
    const entityRef = normalizeTelemetryEntityRef(stringifyEntityRef(entity));
    return this.notifyChanges(
      [entity],
      new Map([[entityRef, evaluation]]),
      evaluation.evaluatedAt,
    );
  }

  /**
   * Notifies the changes of the latest evaluations of these entities;
   * returns how many notifications were sent.
   */
  async notifyChanges(
    entities: Entity[],
    evaluations: Map<string, ScorecardEvaluation>,
    now: Date,
  ): Promise<number> {
    const refs = entities.map(entity =>
      normalizeTelemetryEntityRef(stringifyEntityRef(entity)),
    );
    const states = await this.options.stateStore.getStates(refs);
    const cooldownMs = this.options.cooldownMinutes * MINUTE_MS;
    let sent = 0;
    for (const [index, entity] of entities.entries()) {
      const entityRef = refs[index];
      const evaluation = evaluations.get(entityRef);
      const owner = ownerRefOf(entity);
      if (!evaluation || !owner) {
        continue;
      }
      // The changes of one entity in one run, one notification per topic.
      const changes = new Map<
        string,
        { failed: boolean; checks: ScorecardCheckResult[] }
      >();
      for (const check of evaluation.checks) {
        const state = states.get(notifiedCheckKey(entityRef, check.checkId));
        const failed = check.status === 'fail';
        const recovered =
          (check.status === 'pass' || check.status === 'warn') &&
          state?.notifiedStatus === 'fail';
        if (failed) {
          if (state?.notifiedStatus === 'fail') {
            continue; // already told
          }
          if (
            state &&
            now.getTime() - state.notifiedAt.getTime() < cooldownMs
          ) {
            continue; // flapping: wait for the cooldown
          }
        } else if (!recovered) {
          continue;
        }
        const topic = topicOf(check, failed);
        const key = `${topic}|${failed}`;
        const change = changes.get(key) ?? { failed, checks: [] };
        change.checks.push(check);
        changes.set(key, change);
      }
      for (const [key, { failed, checks }] of changes) {
        await this.options.notifier.notify({
          recipients: [owner],
          topic: key.slice(0, key.lastIndexOf('|')),
          title: titleOf(entityRef, checks, failed),
          description: checks.map(check => check.message).join('\n'),
          link: scorecardLink(entity),
          severity: failed ? 'high' : 'normal',
        });
        for (const check of checks) {
          await this.options.stateStore.recordNotified({
            entityRef,
            checkId: check.checkId,
            notifiedStatus: failed ? 'fail' : 'recovered',
            notifiedAt: now,
          });
        }
        sent += 1;
      }
    }
    return sent;
  }
}
