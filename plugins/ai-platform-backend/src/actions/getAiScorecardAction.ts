import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { ScorecardReadService } from '../scorecards/ScorecardReadService';
import {
  SCORECARD_CHECK_CATEGORIES,
  SCORECARD_CHECK_STATUSES,
} from '../scorecards/types';
import {
  ENTITY_REF_INPUT_DESCRIPTION,
  parseActionEntityRef,
} from './actionEntityRef';

const asTuple = <T extends string>(values: readonly T[]) =>
  values as unknown as [T, ...T[]];

/**
 * Registers `get-ai-scorecard`: one ModelEndpoint's or Agent's latest
 * scorecard, the same as `GET /scorecards/by-entity/...` without its history.
 *
 * @internal
 */
export function registerGetAiScorecardAction(
  actionsRegistry: ActionsRegistryService,
  services: {
    access: TelemetryReadAccess;
    catalog: CatalogService;
    scorecards: ScorecardReadService;
  },
) {
  const { access, catalog, scorecards } = services;
  actionsRegistry.register({
    name: 'get-ai-scorecard',
    title: 'Get an AI scorecard',
    description: `The latest scorecard of one model endpoint or agent: its level (bronze, silver, gold, or null when none is reached) and every check with its measured value, threshold from the entity's spec, window and a sentence saying what to do. Checks: ttft-p95 and error-rate (SLO, last 24 h), budget-mtd and budget-forecast (month to date), eval:<suite> (latest eval run score and regression), and efficiency checks of self-hosted endpoints. A check's status is pass, warn, fail, not-enough-data or source-unavailable. Also gives the month-to-date requests and cost.
Fails with NotAllowedError when the caller lacks the ai-platform.telemetry.read permission on the entity, and with NotFoundError when the catalog has no such entity.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z.string().min(1).describe(ENTITY_REF_INPUT_DESCRIPTION),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          level: z.string().nullable(),
          evaluatedAt: z
            .string()
            .nullable()
            .describe(
              'null: not evaluated yet (evaluations run on a schedule)',
            ),
          checks: z.array(
            z.object({
              checkId: z.string(),
              category: z.enum(asTuple(SCORECARD_CHECK_CATEGORIES)),
              status: z.enum(asTuple(SCORECARD_CHECK_STATUSES)),
              value: z.number().nullable(),
              threshold: z.number().nullable(),
              window: z.string(),
              message: z.string(),
              source: z.string(),
            }),
          ),
          monthToDate: z.object({
            requests: z.number(),
            errors: z.number(),
            costUsd: z
              .number()
              .nullable()
              .describe(
                'Month-to-date cost: GPU cost of a self-hosted endpoint, else the gateway per-call cost',
              ),
            costBasis: z.string().nullable(),
          }),
        }),
    },
    action: async ({ input, credentials }) => {
      const entityRef = parseActionEntityRef(input.entityRef, 'entityRef');
      await access.assertCanRead(entityRef, credentials);
      if (!(await catalog.getEntityByRef(entityRef, { credentials }))) {
        throw new NotFoundError(`No entity ${entityRef} in the catalog`);
      }
      const scorecard = await scorecards.getScorecard(entityRef, credentials);
      return {
        output: {
          entityRef,
          level: scorecard.level,
          evaluatedAt: scorecard.evaluatedAt,
          checks: scorecard.checks.map(check => ({
            checkId: check.checkId,
            category: check.category,
            status: check.status,
            value: check.value,
            threshold: check.threshold,
            window: check.window,
            message: check.message,
            source: check.source,
          })),
          monthToDate: {
            requests: scorecard.usageMonthToDate.requests,
            errors: scorecard.usageMonthToDate.errors,
            costUsd: scorecard.cost
              ? scorecard.cost.costUsd
              : scorecard.usageMonthToDate.costUsd,
            costBasis: scorecard.cost?.basis ?? null,
          },
        },
      };
    },
  });
}
