import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readAiPlatformPlatformConfig } from '../platform/platformConfig';
import {
  parseRenderablePlan,
  renderEndpointFiles,
} from '../render/renderEndpoint';
import { examples } from './endpointRender.examples';

/**
 * Options for {@link createAiPlatformEndpointRenderAction}.
 *
 * @public
 */
export interface AiPlatformEndpointRenderActionOptions {
  /** Root config; the action reads `aiPlatform.serving`. */
  config: Config;
}

/**
 * Creates the `ai-platform:endpoint:render` action: renders the manifests of a planned
 * self-hosted endpoint for its runtime (vLLM Deployment + Service + KEDA ScaledObject + PDB +
 * ServiceMonitor, KServe InferenceService, or KServe LLMInferenceService), the LiteLLM route
 * and the ModelEndpoint `catalog-info.yaml`, validates each, and writes them into the
 * workspace.
 *
 * @public
 */
export function createAiPlatformEndpointRenderAction(
  options: AiPlatformEndpointRenderActionOptions,
) {
  const { serving } = readAiPlatformPlatformConfig(options.config);

  return createTemplateAction({
    id: 'ai-platform:endpoint:render',
    description:
      'Renders and validates the Kubernetes manifests, LiteLLM route and catalog-info.yaml of a planned self-hosted endpoint into the workspace',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        plan: z =>
          z
            .record(z.any())
            .describe('The plan output of ai-platform:endpoint:plan'),
        targetPath: z =>
          z
            .string()
            .describe(
              "Workspace folder to write the files to; replaced as a whole. Defaults to './rendered'",
            )
            .optional(),
        lifecycle: z =>
          z
            .string()
            .describe(
              "Lifecycle of the ModelEndpoint entity; defaults to 'experimental'",
            )
            .optional(),
        sourceTemplate: z =>
          z
            .string()
            .describe(
              "Template ref recorded in the entity's backstage.io/source-template annotation; defaults to the running template. Day-2 changes pass the endpoint's original golden path so the entity keeps it",
            )
            .optional(),
      },
      output: {
        targetPath: z =>
          z.string().describe('Workspace-relative folder holding the files'),
        files: z =>
          z
            .array(z.string())
            .describe('Paths of the rendered files, relative to targetPath'),
        kinds: z =>
          z
            .array(z.string())
            .describe('Kubernetes kinds rendered, e.g. Deployment, Service'),
        entityRef: z =>
          z.string().describe('Entity ref of the rendered ModelEndpoint'),
        gatewayModel: z =>
          z.string().describe('Alias the LiteLLM route serves'),
      },
    },
    async handler(ctx) {
      const plan = parseRenderablePlan(ctx.input.plan);
      const targetPathInput = ctx.input.targetPath ?? './rendered';
      let targetDir: string;
      try {
        targetDir = resolveSafeChildPath(ctx.workspacePath, targetPathInput);
      } catch {
        throw new InputError(
          `targetPath '${targetPathInput}' must be a folder inside the task workspace`,
        );
      }
      if (path.resolve(targetDir) === path.resolve(ctx.workspacePath)) {
        throw new InputError(
          'targetPath must be a folder inside the workspace, not the workspace itself',
        );
      }
      const templateRef =
        ctx.input.sourceTemplate || ctx.templateInfo?.entityRef;
      const { files, objects } = renderEndpointFiles(plan, serving, {
        lifecycle: ctx.input.lifecycle ?? 'experimental',
        templateRef,
      });

      // Writing into the task's own workspace is not an external side effect, so dry run
      // writes too: that is how a dry run shows the rendered files.
      await rm(targetDir, { recursive: true, force: true });
      for (const file of files) {
        const filePath = resolveSafeChildPath(targetDir, file.path);
        await mkdir(path.dirname(filePath), { recursive: true });
        await writeFile(filePath, file.content, 'utf8');
      }
      ctx.logger.info(
        `Rendered ${files.length} file(s) for ${
          plan.request.runtime
        } endpoint ${plan.request.name} into ${targetPathInput}: ${files
          .map(f => f.path)
          .join(', ')}`,
      );

      ctx.output(
        'targetPath',
        path.relative(ctx.workspacePath, targetDir).split(path.sep).join('/'),
      );
      ctx.output(
        'files',
        files.map(f => f.path),
      );
      ctx.output(
        'kinds',
        objects.map(o => o.kind),
      );
      ctx.output('entityRef', `modelendpoint:default/${plan.request.name}`);
      ctx.output('gatewayModel', plan.request.gatewayModel);
    },
  });
}
