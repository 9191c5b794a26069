import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { InputError } from '@backstage/errors';
import type { z as zodV3 } from 'zod/v3';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { TelemetryStore } from '../database/TelemetryStore';
import { entitySubject } from '../database/telemetrySubject';
import { MAX_USAGE_WINDOW_DAYS, parseUsageWindow } from '../domain/usageWindow';
import {
  ENTITY_REF_INPUT_DESCRIPTION,
  parseActionEntityRef,
} from './actionEntityRef';

/**
 * Registers `get-ai-usage`: requests, tokens, spend and TTFT of one entity
 * over a window, the same numbers as `GET /usage/by-entity/...`.
 *
 * @internal
 */
export function registerGetAiUsageAction(
  actionsRegistry: ActionsRegistryService,
  services: {
    access: TelemetryReadAccess;
    telemetryStore: TelemetryStore;
    now?: () => Date;
  },
) {
  const { access, telemetryStore } = services;
  const percentiles = (z: typeof zodV3) =>
    z.object({
      p50: z.number().nullable(),
      p95: z.number().nullable(),
      count: z.number().describe('Calls the percentiles are computed from'),
    });
  actionsRegistry.register({
    name: 'get-ai-usage',
    title: 'Get AI usage',
    description: `Usage of one model endpoint or agent (or another entity with gateway telemetry) over a time window, from the LLM gateway's telemetry: requests, errors and error rate, input and output tokens, spend in USD (the gateway's per-call cost), time to first token (TTFT) and latency percentiles in milliseconds. The window defaults to the last 24 hours and may span at most ${MAX_USAGE_WINDOW_DAYS} days.
Fails with NotAllowedError when the caller lacks the ai-platform.telemetry.read permission on the entity.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z.string().min(1).describe(ENTITY_REF_INPUT_DESCRIPTION),
          from: z
            .string()
            .optional()
            .describe(
              'Window start, ISO 8601 date or date-time (e.g. 2026-11-23 or 2026-11-23T10:00:00Z); default 24 h before "to"',
            ),
          to: z
            .string()
            .optional()
            .describe('Window end, ISO 8601; default now'),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          window: z.object({ from: z.string(), to: z.string() }),
          requests: z.number(),
          errors: z.number(),
          errorRatePercent: z.number().nullable(),
          inputTokens: z.number(),
          outputTokens: z.number(),
          costUsd: z.number(),
          ttftMs: percentiles(z),
          latencyMs: percentiles(z),
        }),
    },
    action: async ({ input, credentials }) => {
      const entityRef = parseActionEntityRef(input.entityRef, 'entityRef');
      const window = parseActionWindow(input, services.now?.() ?? new Date());
      await access.assertCanRead(entityRef, credentials);
      const usage = await telemetryStore.getUsage({
        subject: entitySubject(entityRef),
        ...window,
      });
      return {
        output: {
          entityRef,
          window: usage.window,
          requests: usage.requests,
          errors: usage.errors,
          errorRatePercent: usage.errorRatePercent,
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          costUsd: usage.costUsd,
          ttftMs: usage.ttftMs,
          latencyMs: usage.latencyMs,
        },
      };
    },
  });
}

/** The REST window rules, with errors that name the action's inputs. */
function parseActionWindow(input: { from?: string; to?: string }, now: Date) {
  try {
    return parseUsageWindow({ from: input.from, to: input.to }, now);
  } catch (error) {
    if (error instanceof InputError) {
      throw new InputError(
        error.message.replace(/^Invalid query parameters? /, 'Invalid input '),
      );
    }
    throw error;
  }
}
