import {
  evaluateGovernance,
  readGovernanceConfig,
  ENDPOINT_REQUEST_LIMITS as LIMITS,
  type EndpointPlan,
} from '@ai-platform/plugin-ai-platform-common';
import type { Entity } from '@backstage/catalog-model';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  applyEndpointOperation,
  diffEndpointRequests,
  ENDPOINT_OPERATIONS,
  readEndpointState,
  type EndpointFieldChange,
  type EndpointState,
} from '../change/endpointOperation';
import { changeManagedEndpointModel } from '../change/managedEndpointChange';
import { isRemoteRepository } from '../gitops/commitToGitopsRepository';
import { redactUrlCredentials } from '@ai-platform/plugin-ai-platform-node';
import { readGitopsConfig } from '../gitops/gitopsConfig';
import { readCommittedEndpoint } from '../gitops/readCommittedEndpoint';
import { governanceOutputSchema } from '../platform/governanceOutput';
import { readAiPlatformPlatformConfig } from '../platform/platformConfig';
import { readTeamAllocations } from '../platform/readTeamAllocations';
import { examples } from './endpointChange.examples';
import {
  planEndpointWithGovernance,
  planEndpointWithPolicies,
} from './endpointPlan';

/**
 * Options for {@link createAiPlatformEndpointChangeAction}.
 *
 * @public
 */
export interface AiPlatformEndpointChangeActionOptions {
  /** Root config; the action reads the `aiPlatform` planning keys and `aiPlatform.gitops`. */
  config: Config;
  /** Catalog, to read the team's other ModelEndpoints for the quota and budget. */
  catalog: CatalogService;
}

function formatUsd(amount: number): string {
  return amount.toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
}

function signedUsd(amount: number): string {
  const rounded = Math.round(amount * 100) / 100;
  let sign = '±';
  if (rounded > 0) sign = '+';
  if (rounded < 0) sign = '−';
  return `${sign}${formatUsd(Math.abs(rounded))}`;
}

function costOf(plan: EndpointPlan | undefined): { min: number; max: number } {
  return {
    min: plan?.cost?.monthlyMinUsd ?? 0,
    max: plan?.cost?.monthlyMaxUsd ?? 0,
  };
}

/**
 * Creates the `ai-platform:endpoint:change` action, the Day-2 half of the self-hosted golden
 * path: reads a ModelEndpoint's committed request from the GitOps repository, applies one
 * operation (scale, change, pause, resume or decommission), re-plans it with the same rules as
 * `ai-platform:endpoint:plan` (memory fit, quota with the endpoint's current allocation
 * counted once, budget, data classification, CEL policies, governance) and outputs the plan
 * for `ai-platform:endpoint:render`, the before → after difference and the monthly cost delta.
 * A refused change fails the task before anything is rendered or committed.
 *
 * @public
 */
export function createAiPlatformEndpointChangeAction(
  options: AiPlatformEndpointChangeActionOptions,
) {
  const platform = readAiPlatformPlatformConfig(options.config);
  const governanceConfig = readGovernanceConfig(options.config);
  const gitopsConfig = readGitopsConfig(options.config);

  return createTemplateAction({
    id: 'ai-platform:endpoint:change',
    description:
      'Day 2 for a golden-path ModelEndpoint: reads its committed request from the GitOps repository, applies scale, change, pause, resume or decommission, re-plans it with the golden path rules and outputs the plan, the before → after difference and the monthly cost delta; fails listing every violated rule',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe(
              'The ModelEndpoint to change, e.g. modelendpoint:default/llama-8b-chat',
            ),
        operation: z =>
          z
            .enum(ENDPOINT_OPERATIONS)
            .describe(
              'scale (replicas), change (GPU profile, model, context length, runtime, tensor parallelism), pause (min = max = 0), resume (the replicas before the pause) or decommission (remove its files from the GitOps repository)',
            ),
        minReplicas: z =>
          z
            .number()
            .int()
            .min(LIMITS.replicasMin.min)
            .max(LIMITS.replicasMin.max)
            .describe(
              'scale: new minimum replicas (0 = scale to zero where policy allows); unset keeps the current',
            )
            .optional(),
        maxReplicas: z =>
          z
            .number()
            .int()
            .min(LIMITS.replicasMax.min)
            .max(LIMITS.replicasMax.max)
            .describe('scale: new maximum replicas; unset keeps the current')
            .optional(),
        gpuProfile: z =>
          z
            .string()
            .describe('change: new GPU profile id; unset keeps the current')
            .optional(),
        model: z =>
          z
            .string()
            .describe(
              "change: another approved model (or revision); for a managed endpoint the provider's model name (e.g. gpt-4o-2024-11-20), which its LiteLLM route then calls. Unset keeps the current",
            )
            .optional(),
        contextTokens: z =>
          z
            .number()
            .int()
            .min(LIMITS.contextTokens.min)
            .max(LIMITS.contextTokens.max)
            .describe(
              'change: new context length in tokens; unset keeps the current',
            )
            .optional(),
        runtime: z =>
          z
            .string()
            .describe(
              'change: vllm, kserve or kserve-llm; unset keeps the current',
            )
            .optional(),
        tensorParallelSize: z =>
          z
            .number()
            .int()
            .min(LIMITS.tensorParallelSize.min)
            .max(LIMITS.tensorParallelSize.max)
            .describe('change: GPUs per replica; unset keeps the current')
            .optional(),
        targetPath: z =>
          z
            .string()
            .describe(
              "Managed endpoints: the workspace folder the changed files are written to (the folder's other files are kept), for ai-platform:gitops:commit. Defaults to './rendered'",
            )
            .optional(),
        repository: z =>
          z
            .string()
            .describe(
              'URL or local path of the GitOps repository. Defaults to aiPlatform.gitops.repository.',
            )
            .optional(),
        branch: z =>
          z
            .string()
            .describe(
              "Branch to read the endpoint from. Defaults to aiPlatform.gitops.branch, else 'main'.",
            )
            .optional(),
      },
      output: {
        entityRef: z => z.string().describe('The changed ModelEndpoint'),
        operation: z => z.string().describe('The operation applied'),
        gitopsPath: z =>
          z
            .string()
            .describe(
              "The endpoint's folder in the GitOps repository: the commit's targetPath",
            ),
        readCommitId: z =>
          z
            .string()
            .describe('The GitOps branch head the endpoint was read at'),
        readFolderTreeId: z =>
          z
            .string()
            .describe(
              "The git tree id of the endpoint's folder when it was read: ai-platform:gitops:commit's expectedFolderTreeId, which refuses the commit if the folder changed since",
            ),
        plan: z =>
          z
            .record(z.any())
            .describe(
              'The plan of the endpoint after the operation: input of ai-platform:endpoint:render (not set for decommission)',
            )
            .optional(),
        sourceTemplate: z =>
          z
            .string()
            .describe(
              "The endpoint's golden path (backstage.io/source-template), for ai-platform:endpoint:render to keep",
            )
            .optional(),
        lifecycle: z =>
          z.string().describe("The entity's lifecycle, kept as it is"),
        changes: z =>
          z
            .array(
              z.object({
                field: z.string(),
                before: z.string(),
                after: z.string(),
              }),
            )
            .describe('Every field that differs, before → after'),
        changeSummary: z =>
          z
            .string()
            .describe('The before → after difference as Markdown lines'),
        monthlyCostBeforeMinUsd: z => z.number(),
        monthlyCostBeforeMaxUsd: z => z.number(),
        monthlyCostAfterMinUsd: z => z.number(),
        monthlyCostAfterMaxUsd: z => z.number(),
        monthlyCostDeltaMinUsd: z =>
          z.number().describe('After − before at min replicas, USD a month'),
        monthlyCostDeltaMaxUsd: z =>
          z.number().describe('After − before at max replicas, USD a month'),
        costSummary: z =>
          z
            .string()
            .describe(
              'e.g. 584.00 → 1,168.00 USD a month at max replicas (+584.00)',
            ),
        commitMessage: z =>
          z.string().describe('A commit message naming the change'),
        governance: z => governanceOutputSchema(z),
      },
    },
    async handler(ctx) {
      const { operation } = ctx.input;
      let ref;
      try {
        ref = parseEntityRef(ctx.input.entityRef, {
          defaultKind: 'modelendpoint',
          defaultNamespace: 'default',
        });
      } catch (error) {
        throw new InputError(
          `entityRef '${ctx.input.entityRef}' is not an entity reference: ${error}`,
        );
      }
      if (ref.kind.toLowerCase() !== 'modelendpoint') {
        throw new InputError(
          `entityRef '${ctx.input.entityRef}' is a ${ref.kind}; Day-2 operations apply to ModelEndpoints`,
        );
      }
      if (ref.namespace !== 'default') {
        throw new InputError(
          `entityRef '${ctx.input.entityRef}': golden-path endpoints live in the default namespace`,
        );
      }
      const entityRef = `modelendpoint:default/${ref.name}`;

      const repositoryInput = ctx.input.repository ?? gitopsConfig.repository;
      if (!repositoryInput?.trim()) {
        throw new InputError(
          'No GitOps repository configured: set aiPlatform.gitops.repository in app-config, or pass the repository input',
        );
      }
      const repository = isRemoteRepository(repositoryInput)
        ? repositoryInput
        : path.resolve(repositoryInput);
      const branch = ctx.input.branch ?? gitopsConfig.branch;
      const committed = await readCommittedEndpoint({
        repository,
        branch,
        name: ref.name,
        token: gitopsConfig.token,
        authorName: gitopsConfig.authorName,
        authorEmail: gitopsConfig.authorEmail,
      });
      ctx.logger.info(
        `Read ${entityRef} from ${
          committed.folder
        } on branch '${branch}' of ${redactUrlCredentials(repository)} at ${
          committed.commitId
        }`,
      );
      const annotations = committed.entity.metadata.annotations ?? {};
      const sourceTemplate = annotations['backstage.io/source-template'];
      const lifecycle = String(
        committed.entity.spec?.lifecycle ?? 'experimental',
      );
      const credentials = await ctx.getInitiatorCredentials();

      const refused = (reason: string) =>
        new InputError(
          `${operation} of ${entityRef} refused; the GitOps repository is unchanged. ${reason}`,
        );
      const managed = committed.entity.spec?.serving?.mode === 'managed';
      const managedModelChange =
        managed &&
        operation === 'change' &&
        Boolean(ctx.input.model) &&
        !ctx.input.gpuProfile &&
        !ctx.input.runtime &&
        ctx.input.contextTokens === undefined &&
        ctx.input.tensorParallelSize === undefined;
      let before: EndpointState | undefined;
      try {
        before = readEndpointState(committed);
      } catch (error) {
        // A managed endpoint has no replicas or GPUs: only its model (revision) can change,
        // or it can be decommissioned.
        if (managed && operation === 'change' && !managedModelChange) {
          throw refused(
            `ModelEndpoint '${ref.name}' is a managed endpoint: a change may only set its model (or model revision); it has no GPU profile, runtime or context length`,
          );
        }
        if (operation !== 'decommission' && !managedModelChange) {
          throw refused((error as Error).message);
        }
      }
      // The endpoint as it is now, planned against the same catalog, for its current cost.
      const beforePlan = before
        ? planEndpointWithPolicies(
            before.request,
            platform,
            await readTeamAllocations({
              catalog: options.catalog,
              credentials,
              ownerRef: before.request.owner,
              excludeEndpointName: before.request.name,
            }),
          )
        : undefined;
      const beforeCost = costOf(beforePlan);

      let changes: EndpointFieldChange[];
      let afterCost: { min: number; max: number };
      let commitMessage: string;
      if (managedModelChange) {
        let managedChange;
        try {
          managedChange = changeManagedEndpointModel(
            committed,
            ctx.input.model!,
          );
        } catch (error) {
          throw refused((error as Error).message);
        }
        // The folder as it will be committed: the route and entity changed, the rest kept.
        const targetPathInput = ctx.input.targetPath ?? './rendered';
        let targetDir: string;
        try {
          targetDir = resolveSafeChildPath(ctx.workspacePath, targetPathInput);
        } catch {
          throw new InputError(
            `targetPath '${targetPathInput}' must be a folder inside the task workspace`,
          );
        }
        await rm(targetDir, { recursive: true, force: true });
        for (const [file, content] of Object.entries(managedChange.files)) {
          const filePath = resolveSafeChildPath(targetDir, file);
          await mkdir(path.dirname(filePath), { recursive: true });
          await writeFile(filePath, content, 'utf8');
        }
        changes = managedChange.changes;
        afterCost = { min: 0, max: 0 };
        commitMessage = `Change endpoint ${ref.name}: ${
          changes.map(c => `${c.field} ${c.before} → ${c.after}`).join(', ') ||
          'no change'
        }`;
        ctx.output('governance', {
          ...evaluateGovernance(committed.entity as Entity, governanceConfig),
        });
      } else if (operation === 'decommission') {
        changes = [
          {
            field: 'endpoint',
            before: committed.folder,
            after: 'removed (manifests, gateway route and catalog-info.yaml)',
          },
        ];
        afterCost = { min: 0, max: 0 };
        commitMessage = `Decommission endpoint ${ref.name}: remove ${committed.folder}`;
        // Approval requirements of the endpoint as committed still apply to its removal;
        // unmet creation requirements (an SLO, a budget) do not block it.
        const governance = evaluateGovernance(
          committed.entity as Entity,
          governanceConfig,
          { request: before?.request as any },
        );
        ctx.output('governance', {
          ...governance,
          requirements: governance.requirements.filter(r => r.status === 'met'),
        });
      } else {
        let after: EndpointState;
        try {
          after = applyEndpointOperation(before!, operation, {
            minReplicas: ctx.input.minReplicas,
            maxReplicas: ctx.input.maxReplicas,
            gpuProfile: ctx.input.gpuProfile || undefined,
            model: ctx.input.model || undefined,
            contextTokens: ctx.input.contextTokens,
            runtime: ctx.input.runtime || undefined,
            tensorParallelSize: ctx.input.tensorParallelSize,
          });
        } catch (error) {
          throw refused((error as Error).message);
        }
        const { plan, planJson, governance, failure } =
          await planEndpointWithGovernance({
            request: after.request,
            platform,
            governanceConfig,
            catalog: options.catalog,
            credentials,
            logger: ctx.logger,
          });
        ctx.output('governance', governance);
        if (failure) {
          throw refused(failure);
        }
        ctx.output('plan', {
          ...planJson,
          ...(after.pausedFrom ? { pausedFrom: after.pausedFrom } : {}),
        });
        changes = diffEndpointRequests(
          beforePlan?.request ?? before!.request,
          plan.request,
        );
        afterCost = costOf(plan);
        const what =
          changes.length > 0
            ? changes.map(c => `${c.field} ${c.before} → ${c.after}`).join(', ')
            : 'no change';
        commitMessage = `${
          operation[0].toUpperCase() + operation.slice(1)
        } endpoint ${ref.name}: ${what}`;
      }

      const changeSummary =
        changes.length > 0
          ? changes
              .map(c => `- ${c.field}: ${c.before} → ${c.after}`)
              .join('\n')
          : '- no change: the committed endpoint already has these values';
      const deltaMin = afterCost.min - beforeCost.min;
      const deltaMax = afterCost.max - beforeCost.max;
      const costSummary = managed
        ? 'no GPU cost: a managed endpoint is priced per token by its provider'
        : `${formatUsd(beforeCost.max)} → ${formatUsd(
            afterCost.max,
          )} USD a month at max replicas (${signedUsd(deltaMax)}); ${formatUsd(
            beforeCost.min,
          )} → ${formatUsd(afterCost.min)} at min replicas (${signedUsd(
            deltaMin,
          )})`;
      ctx.logger.info(`${operation} ${entityRef}:\n${changeSummary}`);
      ctx.logger.info(`Monthly cost: ${costSummary}`);

      ctx.output('entityRef', entityRef);
      ctx.output('operation', operation);
      ctx.output('gitopsPath', committed.folder);
      ctx.output('readCommitId', committed.commitId);
      ctx.output('readFolderTreeId', committed.folderTreeId);
      if (sourceTemplate) {
        ctx.output('sourceTemplate', sourceTemplate);
      }
      ctx.output('lifecycle', lifecycle);
      ctx.output('changes', changes);
      ctx.output('changeSummary', changeSummary);
      ctx.output('monthlyCostBeforeMinUsd', beforeCost.min);
      ctx.output('monthlyCostBeforeMaxUsd', beforeCost.max);
      ctx.output('monthlyCostAfterMinUsd', afterCost.min);
      ctx.output('monthlyCostAfterMaxUsd', afterCost.max);
      ctx.output('monthlyCostDeltaMinUsd', Math.round(deltaMin * 100) / 100);
      ctx.output('monthlyCostDeltaMaxUsd', Math.round(deltaMax * 100) / 100);
      ctx.output('costSummary', costSummary);
      ctx.output('commitMessage', commitMessage);
    },
  });
}
