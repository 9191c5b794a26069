import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { ScorecardReadService } from '../scorecards/ScorecardReadService';
import {
  GROUP_REF_INPUT_DESCRIPTION,
  parseActionEntityRef,
} from './actionEntityRef';

/** Check statuses the action reports: failing, and close to failing. */
const REPORTED_STATUSES = ['fail', 'warn'] as const;

/**
 * Registers `list-failing-ai-checks`: the failing (and warning) scorecard
 * checks of the ModelEndpoints and Agents a group and its sub-groups own,
 * from the same read as `GET /scorecards?owner=`.
 *
 * @internal
 */
export function registerListFailingAiChecksAction(
  actionsRegistry: ActionsRegistryService,
  scorecards: ScorecardReadService,
) {
  actionsRegistry.register({
    name: 'list-failing-ai-checks',
    title: 'List failing AI checks of a team',
    description: `Lists the scorecard checks that fail (and, with includeWarnings, that warn) for the model endpoints and agents owned by a group or any of its sub-groups: SLO (ttft-p95, error-rate), budget (budget-mtd, budget-forecast), eval (eval:<suite>) and efficiency checks, each with its measured value, threshold and a sentence saying what to do. Use it to answer "what is wrong with my team's AI services?".
Entities whose telemetry the caller may not read (permission ai-platform.telemetry.read) are left out; "notes" says so.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          owner: z.string().min(1).describe(GROUP_REF_INPUT_DESCRIPTION),
          includeWarnings: z
            .boolean()
            .optional()
            .describe('Also list checks with status warn. Default false.'),
        }),
      output: z =>
        z.object({
          owner: z.string(),
          groups: z
            .array(z.string())
            .describe('The owner and every sub-group searched'),
          entitiesChecked: z.number(),
          items: z.array(
            z.object({
              entityRef: z.string(),
              kind: z.string(),
              title: z.string(),
              owner: z.string().nullable(),
              level: z.string().nullable(),
              evaluatedAt: z.string().nullable(),
              checks: z.array(
                z.object({
                  checkId: z.string(),
                  status: z.enum(REPORTED_STATUSES),
                  value: z.number().nullable(),
                  threshold: z.number().nullable(),
                  window: z.string(),
                  message: z.string(),
                }),
              ),
            }),
          ),
          notes: z.array(z.string()),
        }),
    },
    action: async ({ input, credentials }) => {
      const ownerRef = parseActionEntityRef(input.owner, 'owner', 'group');
      const statuses = new Set<string>(
        input.includeWarnings ? REPORTED_STATUSES : ['fail'],
      );
      const list = await scorecards.listByOwner(ownerRef, credentials);
      const items = list.items.flatMap(item => {
        const checks = item.checks
          .filter(check => statuses.has(check.status))
          .map(check => ({
            checkId: check.checkId,
            status: check.status as (typeof REPORTED_STATUSES)[number],
            value: check.value,
            threshold: check.threshold,
            window: check.window,
            message: check.message,
          }));
        return checks.length
          ? [
              {
                entityRef: item.entityRef,
                kind: item.kind,
                title: item.title,
                owner: item.owner,
                level: item.level,
                evaluatedAt: item.evaluatedAt,
                checks,
              },
            ]
          : [];
      });
      const notEvaluated = list.items.filter(i => !i.evaluatedAt).length;
      return {
        output: {
          owner: list.owner,
          groups: list.groups,
          entitiesChecked: list.items.length,
          items,
          notes: [
            'Only model endpoints and agents whose telemetry you may read (ai-platform.telemetry.read) are checked; others are left out.',
            ...(notEvaluated
              ? [
                  `${notEvaluated} entity(ies) have not been evaluated yet and have no checks.`,
                ]
              : []),
          ],
        },
      };
    },
  });
}
