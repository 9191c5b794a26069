import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { createHash } from 'node:crypto';
import type { AiPlatformBackendClient } from '../gitops/aiPlatformBackendClient';
import { readCommittedEntity } from '../gitops/approvalInput';
import { readRenderedFiles } from '../gitops/readRenderedFiles';
import { reportAuditEvent } from '../gitops/reportAuditEvent';
import { readKubernetesManifests } from '../kubernetes/readKubernetesManifests';
import {
  createClusterObjectApi,
  serverSideApply,
  type AppliedKubernetesObject,
} from '../kubernetes/serverSideApply';
import { readAiPlatformPlatformConfig } from '../platform/platformConfig';
import { examples } from './kubernetesApply.examples';

/**
 * Options for {@link createAiPlatformKubernetesApplyAction}.
 *
 * @public
 */
export interface AiPlatformKubernetesApplyActionOptions {
  /** Root config; the action reads `aiPlatform.clusters[].apiServer`. */
  config: Config;
  /**
   * The ai-platform backend: a real (not dry) apply of a folder with a `catalog-info.yaml`
   * records an `apply` event, `applied` or `failed`, in that entity's audit trail.
   * Without it nothing is recorded.
   */
  backend?: AiPlatformBackendClient;
}

/** The entity the rendered folder describes, for the audit trail; none if unreadable. */
function auditedEntity(files: Parameters<typeof readCommittedEntity>[0]) {
  try {
    return readCommittedEntity(files);
  } catch {
    return undefined;
  }
}

/**
 * Creates the `ai-platform:kubernetes:apply` action: server-side applies the rendered
 * Kubernetes manifests in a workspace folder to a configured cluster, with the
 * `backstage-ai-platform` field manager. `catalog-info.yaml` and `gateway/` files are skipped.
 * In a dry run the API server validates every object (`dryRun=All`) without persisting it.
 *
 * @public
 */
export function createAiPlatformKubernetesApplyAction(
  options: AiPlatformKubernetesApplyActionOptions,
) {
  const { planning, clusterApiServers } = readAiPlatformPlatformConfig(
    options.config,
  );

  return createTemplateAction({
    id: 'ai-platform:kubernetes:apply',
    description:
      'Server-side applies the rendered Kubernetes manifests to a configured cluster; a dry run is a server-side dry run (dryRun=All)',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: z =>
          z
            .string()
            .describe(
              'Name of a cluster in aiPlatform.clusters that has an apiServer configured',
            ),
        sourcePath: z =>
          z
            .string()
            .describe(
              "Workspace folder holding the rendered manifests; defaults to './rendered'",
            )
            .optional(),
        force: z =>
          z
            .boolean()
            .describe(
              'Take over fields another field manager owns instead of failing with a conflict; defaults to false',
            )
            .optional(),
      },
      output: {
        cluster: z => z.string().describe('The cluster the objects went to'),
        objects: z =>
          z
            .array(
              z.object({
                kind: z.string(),
                namespace: z.string().optional(),
                name: z.string(),
                resourceVersion: z
                  .string()
                  .describe("resourceVersion after apply, or 'dry-run'"),
              }),
            )
            .describe('The applied objects, in apply order'),
        skippedFiles: z =>
          z
            .array(z.string())
            .describe(
              'Rendered files that are not Kubernetes objects (catalog-info.yaml, gateway/)',
            ),
      },
    },
    async handler(ctx) {
      const clusterName = ctx.input.cluster;
      const known = planning.clusters.map(c => c.name);
      if (!known.includes(clusterName)) {
        throw new InputError(
          `cluster '${clusterName}' is not in aiPlatform.clusters; known: ${
            known.join(', ') || '(none)'
          }`,
        );
      }
      const apiServer = clusterApiServers[clusterName];
      if (!apiServer) {
        throw new InputError(
          `cluster '${clusterName}' has no aiPlatform.clusters[].apiServer configured, so it cannot be applied to directly; commit the manifests to GitOps instead`,
        );
      }

      const sourcePathInput = ctx.input.sourcePath ?? './rendered';
      let sourceDir: string;
      try {
        sourceDir = resolveSafeChildPath(ctx.workspacePath, sourcePathInput);
      } catch {
        throw new InputError(
          `sourcePath '${sourcePathInput}' must be a folder inside the task workspace`,
        );
      }
      const files = await readRenderedFiles(sourceDir, 'sourcePath');
      const { objects, skippedFiles } = readKubernetesManifests(files);
      if (objects.length === 0) {
        throw new InputError(
          `sourcePath '${sourcePathInput}' holds no Kubernetes objects (skipped: ${skippedFiles.join(
            ', ',
          )})`,
        );
      }

      const api = createClusterObjectApi(clusterName, apiServer);
      const force = ctx.input.force ?? false;
      const dryRun = ctx.isDryRun ?? false;
      const applied: AppliedKubernetesObject[] = [];
      const entity = auditedEntity(files);
      const reportApply = async (decision: string, reasons: string[]) => {
        if (!entity) return;
        await reportAuditEvent(
          options.backend,
          ctx,
          {
            action: 'apply',
            entityRef: entity.entityRef,
            actor: ctx.user?.ref,
            decision,
            reasons,
            riskTier: entity.riskTier,
            details: {
              cluster: clusterName,
              force,
              objects: applied,
              taskId: ctx.task.id,
            },
          },
          decision === 'applied' ? 'The apply' : 'The failed apply',
        );
      };
      try {
        for (const object of objects) {
          const apply = () =>
            serverSideApply(api, clusterName, object, { dryRun, force });
          let result: AppliedKubernetesObject;
          if (dryRun) {
            // Nothing is persisted, so there is nothing to remember for a retry.
            result = await apply();
          } else {
            const contentHash = createHash('sha256')
              .update(
                JSON.stringify([clusterName, apiServer.url, object, force]),
              )
              .digest('hex')
              .slice(0, 16);
            result = await ctx.checkpoint({
              key: `ai-platform.kubernetes.apply.${clusterName}.${
                object.kind
              }.${object.metadata.namespace ?? ''}.${
                object.metadata.name
              }.${contentHash}`,
              fn: apply,
            });
          }
          ctx.logger.info(
            `${dryRun ? 'Server-side dry run of' : 'Applied'} ${result.kind} ${
              result.namespace ? `${result.namespace}/` : ''
            }${result.name} on ${clusterName} (resourceVersion ${
              result.resourceVersion
            })`,
          );
          applied.push(result);
        }
      } catch (error) {
        // Best effort, as for commits: the apply's own error is what the step fails with.
        await reportApply('failed', [
          error instanceof Error ? error.message : String(error),
        ]);
        throw error;
      }
      await reportApply('applied', []);
      if (skippedFiles.length > 0) {
        ctx.logger.info(
          `Skipped files that are not Kubernetes objects: ${skippedFiles.join(
            ', ',
          )}`,
        );
      }

      ctx.output('cluster', clusterName);
      ctx.output('objects', applied);
      ctx.output('skippedFiles', skippedFiles);
    },
  });
}
