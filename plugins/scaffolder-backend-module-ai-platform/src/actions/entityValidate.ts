import {
  AGENT_KIND,
  MODEL_ENDPOINT_KIND,
  compareDataClassification,
  evaluateGovernance,
  isDataClassification,
  readGovernanceConfig,
  validateAgentEntity,
  validateModelEndpointEntity,
  type AgentEntityV1alpha1,
} from '@ai-platform/plugin-ai-platform-common';
import {
  resolveSafeChildPath,
  type BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { ConfigReader, type Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { readFile } from 'node:fs/promises';
import yaml from 'yaml';
import { readRenderedFiles } from '../gitops/readRenderedFiles';
import {
  describeGovernanceFailure,
  governanceOutputSchema,
} from '../platform/governanceOutput';
import { parseLiteLlmRoute } from '../validate/liteLlmRoute';
import { findLiteralSecrets } from '../validate/literalSecrets';
import { examples } from './entityValidate.examples';

/**
 * Options for {@link createAiPlatformEntityValidateAction}.
 *
 * @public
 */
export interface AiPlatformEntityValidateActionOptions {
  /** Catalog used to check that an Agent's models and tools exist. */
  catalog: CatalogService;
  /**
   * Root config, for the governance requirements (`aiPlatform.governance`); without it the
   * documented default requirements apply.
   */
  config?: Config;
}

function resolveWorkspaceFile(
  workspacePath: string,
  field: string,
  relativePath: string,
): string {
  try {
    return resolveSafeChildPath(workspacePath, relativePath);
  } catch {
    throw new InputError(
      `${field} '${relativePath}' must be a path inside the task workspace`,
    );
  }
}

async function readWorkspaceText(
  workspacePath: string,
  field: string,
  relativePath: string,
): Promise<string> {
  const absolute = resolveWorkspaceFile(workspacePath, field, relativePath);
  try {
    return await readFile(absolute, 'utf8');
  } catch {
    throw new InputError(
      `${field} '${relativePath}' does not exist in the task workspace; did the render step write it?`,
    );
  }
}

/** Every problem with an Agent's references, checked against the catalog. */
async function collectAgentReferenceProblems(
  agent: AgentEntityV1alpha1,
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<string[]> {
  const namespace = agent.metadata.namespace ?? 'default';
  const modelRefs = agent.spec.models.map(ref =>
    stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: MODEL_ENDPOINT_KIND,
        defaultNamespace: namespace,
      }),
    ),
  );
  const toolRefs = (agent.spec.tools ?? []).map(ref =>
    stringifyEntityRef(
      parseEntityRef(ref, { defaultKind: 'API', defaultNamespace: namespace }),
    ),
  );
  const { items } = await catalog.getEntitiesByRefs(
    { entityRefs: [...modelRefs, ...toolRefs] },
    { credentials },
  );
  const problems: string[] = [];
  modelRefs.forEach((ref, index) => {
    const endpoint = items[index] as Entity | undefined;
    if (!endpoint) {
      problems.push(
        `spec.models[${index}]: ${ref} is not in the catalog; pick an existing ModelEndpoint`,
      );
      return;
    }
    const endpointClassification = (endpoint.spec as any)?.dataClassification;
    const agentClassification = agent.spec.dataClassification;
    if (
      agentClassification &&
      isDataClassification(endpointClassification) &&
      compareDataClassification(endpointClassification, agentClassification) < 0
    ) {
      problems.push(
        `spec.models[${index}]: ${ref} is approved for ${endpointClassification} data only, but the agent handles ${agentClassification} data`,
      );
    }
  });
  toolRefs.forEach((ref, index) => {
    if (!items[modelRefs.length + index]) {
      problems.push(
        `spec.tools[${index}]: ${ref} is not in the catalog; pick an existing API`,
      );
    }
  });
  return problems;
}

/**
 * Creates the `ai-platform:entity:validate` action: validates a rendered `catalog-info.yaml`
 * against the AI Platform kind schema (Agent or ModelEndpoint) from
 * `@ai-platform/plugin-ai-platform-common`, checks that an Agent's models and tools exist
 * in the catalog and are approved for its data classification, validates a rendered LiteLLM
 * gateway route (credentials only as `os.environ/` references), and scans the rendered files
 * for literal credentials, and evaluates the governance requirements (`aiPlatform.governance`,
 * output as `governance`). It fails listing every problem and every unmet requirement (not
 * for approval being required); nothing is changed, so dry run behaves the same.
 *
 * @public
 */
export function createAiPlatformEntityValidateAction(
  options: AiPlatformEntityValidateActionOptions,
) {
  const { catalog } = options;
  const governanceConfig = readGovernanceConfig(
    options.config ?? new ConfigReader({}),
  );
  return createTemplateAction({
    id: 'ai-platform:entity:validate',
    description:
      'Validates a rendered Agent or ModelEndpoint catalog-info.yaml (schema, catalog references, data classification, governance requirements), its LiteLLM gateway route, and that no rendered file holds a literal credential',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityPath: z =>
          z
            .string()
            .min(1)
            .describe(
              'Workspace-relative path of the rendered catalog-info.yaml, e.g. ./agent/catalog-info.yaml',
            ),
        kind: z =>
          z
            .enum([AGENT_KIND, MODEL_ENDPOINT_KIND] as const)
            .describe('The kind the file must hold: Agent or ModelEndpoint'),
        name: z =>
          z
            .string()
            .min(1)
            .describe(
              'The metadata.name the entity must have (usually the name parameter)',
            )
            .optional(),
        gatewayRoutePath: z =>
          z
            .string()
            .min(1)
            .describe(
              "Workspace-relative path of a rendered LiteLLM route file (model_list); for a ModelEndpoint it must route the entity's spec.gateway.model",
            )
            .optional(),
        scanPath: z =>
          z
            .string()
            .min(1)
            .describe(
              'Workspace folder whose files must not hold literal credentials (API keys, tokens, private keys)',
            )
            .optional(),
        checkCatalogReferences: z =>
          z
            .boolean()
            .describe(
              "For an Agent: check that spec.models and spec.tools exist in the catalog and the models are approved for the agent's data classification. Default true",
            )
            .optional(),
      },
      output: {
        entityRef: z =>
          z.string().describe('Entity ref of the validated entity'),
        kind: z => z.string().describe('Kind of the validated entity'),
        name: z => z.string().describe('metadata.name of the entity'),
        gatewayModels: z =>
          z
            .array(z.string())
            .describe(
              'Aliases (model_name) the LiteLLM route serves; empty without gatewayRoutePath',
            ),
        scannedFiles: z =>
          z
            .number()
            .describe(
              'Number of files scanned for literal credentials (0 without scanPath)',
            ),
        governance: z => governanceOutputSchema(z),
      },
    },
    async handler(ctx) {
      const { entityPath, kind } = ctx.input;
      const content = await readWorkspaceText(
        ctx.workspacePath,
        'entityPath',
        entityPath,
      );
      let documents: unknown[];
      try {
        documents = yaml
          .parseAllDocuments(content)
          .map(doc => {
            if (doc.errors.length > 0) {
              throw doc.errors[0];
            }
            return doc.toJS();
          })
          .filter(doc => doc !== null && doc !== undefined);
      } catch (error) {
        throw new InputError(
          `entityPath '${entityPath}' is not valid YAML: ${
            (error as Error).message
          }`,
        );
      }
      if (documents.length !== 1) {
        throw new InputError(
          `entityPath '${entityPath}' must hold exactly one entity, found ${documents.length}`,
        );
      }
      const document = documents[0] as Partial<Entity>;
      if (document?.kind !== kind) {
        throw new InputError(
          `entityPath '${entityPath}' must hold ${
            kind === AGENT_KIND ? 'an' : 'a'
          } ${kind} entity, found kind ${JSON.stringify(document?.kind)}`,
        );
      }

      // Schema problems first: every one, named by field path.
      const entity: Entity =
        kind === AGENT_KIND
          ? validateAgentEntity(document)
          : validateModelEndpointEntity(document);

      const problems: string[] = [];
      if (ctx.input.name && entity.metadata.name !== ctx.input.name) {
        problems.push(
          `metadata.name: expected '${ctx.input.name}' (the name parameter), got '${entity.metadata.name}'`,
        );
      }

      let gatewayModels: string[] = [];
      if (ctx.input.gatewayRoutePath) {
        const routes = parseLiteLlmRoute(
          await readWorkspaceText(
            ctx.workspacePath,
            'gatewayRoutePath',
            ctx.input.gatewayRoutePath,
          ),
          `gatewayRoutePath '${ctx.input.gatewayRoutePath}'`,
        );
        gatewayModels = routes.map(r => r.model_name);
        const alias = (entity.spec as any)?.gateway?.model;
        if (kind === MODEL_ENDPOINT_KIND) {
          if (!alias) {
            problems.push(
              'spec.gateway.model: is required when the endpoint has a gateway route',
            );
          } else if (!gatewayModels.includes(alias)) {
            problems.push(
              `spec.gateway.model: '${alias}' is not routed by ${
                ctx.input.gatewayRoutePath
              } (it routes ${gatewayModels.join(', ')})`,
            );
          }
        }
      }

      if (kind === AGENT_KIND && (ctx.input.checkCatalogReferences ?? true)) {
        problems.push(
          ...(await collectAgentReferenceProblems(
            entity as AgentEntityV1alpha1,
            catalog,
            await ctx.getInitiatorCredentials(),
          )),
        );
      }

      let scannedFiles = 0;
      if (ctx.input.scanPath) {
        const files = await readRenderedFiles(
          resolveWorkspaceFile(
            ctx.workspacePath,
            'scanPath',
            ctx.input.scanPath,
          ),
          'scanPath',
        );
        scannedFiles = files.length;
        for (const finding of findLiteralSecrets(
          files.map(f => ({
            path: f.relativePath,
            content: f.content.toString('utf8'),
          })),
        )) {
          problems.push(
            `${ctx.input.scanPath.replace(/\/+$/, '')}/${finding.path}:${
              finding.line
            }: looks like a literal ${
              finding.kind
            }; reference it from the environment or a secret store instead`,
          );
        }
      }

      const entityRef = stringifyEntityRef(entity);
      const governance = evaluateGovernance(entity, governanceConfig);
      ctx.output('governance', governance);
      const governanceFailure = describeGovernanceFailure(
        entityRef,
        governance,
      );
      if (problems.length > 0) {
        throw new InputError(
          `${entityRef} failed validation:\n${problems
            .map(p => `- ${p}`)
            .join('\n')}${governanceFailure ? `\n${governanceFailure}` : ''}`,
        );
      }
      if (governanceFailure) {
        throw new InputError(governanceFailure);
      }
      if (governance.approvalRequired) {
        ctx.logger.info(
          `${entityRef} requires approval: ${governance.approvalReasons.join(
            '; ',
          )}`,
        );
      }
      ctx.logger.info(
        `${entityRef} is a valid ${kind}${
          gatewayModels.length
            ? `; gateway route serves ${gatewayModels.join(', ')}`
            : ''
        }${
          scannedFiles
            ? `; ${scannedFiles} file(s) hold no literal credentials`
            : ''
        }`,
      );
      ctx.output('entityRef', entityRef);
      ctx.output('kind', kind);
      ctx.output('name', entity.metadata.name);
      ctx.output('gatewayModels', gatewayModels);
      ctx.output('scannedFiles', scannedFiles);
    },
  });
}
