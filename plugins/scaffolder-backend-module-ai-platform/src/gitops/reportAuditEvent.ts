import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type {
  AiPlatformBackendClient,
  GoldenPathAuditEvent,
} from './aiPlatformBackendClient';

/** What `POST /audit/events` accepts per event: at most 100 reasons of 2,000 characters. */
const MAX_REASONS = 100;
const MAX_REASON_CHARS = 2000;

/**
 * Appends a golden-path event (plan, commit, apply) to the ai-platform audit
 * trail on behalf of the task's initiator. Best effort, as for commits: the
 * step's own outcome stands, and an event the backend did not take is logged
 * as a warning. Nothing is sent without a backend client or in a dry run.
 *
 * @internal
 */
export async function reportAuditEvent(
  backend: AiPlatformBackendClient | undefined,
  ctx: {
    logger: Pick<LoggerService, 'warn'>;
    isDryRun?: boolean;
    getInitiatorCredentials(): Promise<BackstageCredentials>;
  },
  event: GoldenPathAuditEvent,
  subject: string,
): Promise<void> {
  if (!backend || ctx.isDryRun) {
    return;
  }
  const reasons = event.reasons
    ?.slice(0, MAX_REASONS)
    .map(reason =>
      reason.length > MAX_REASON_CHARS
        ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…`
        : reason,
    );
  try {
    await backend.recordAuditEvent(
      { ...event, ...(reasons ? { reasons } : {}) },
      await ctx.getInitiatorCredentials(),
    );
  } catch (error) {
    ctx.logger.warn(
      `${subject} was not recorded in the ai-platform audit trail: ${error}`,
    );
  }
}
