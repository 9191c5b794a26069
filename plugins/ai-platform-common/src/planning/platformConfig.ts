import type { Config } from '@backstage/config';
import { z } from 'zod';
import { DATA_CLASSIFICATIONS, MODEL_ENDPOINT_TYPES } from '../constants';
import { HOURS_PER_MONTH } from './costEstimate';
import { normalizeGroupRef } from './planEndpoint';
import type { EndpointPlanningConfig, PlatformPolicy } from './types';

/**
 * How rendered endpoints are served (`aiPlatform.serving`), with defaults applied.
 *
 * @public
 */
export type AiPlatformServingConfig = {
  /** Container image of the vLLM OpenAI-compatible server. */
  vllmImage: string;
  /** The Secret (name and key) holding the Hugging Face token; referenced, never inlined. */
  hfTokenSecret: { name: string; key: string };
  /** Prometheus the KEDA autoscaler queries for vLLM queue metrics. */
  prometheusServerAddress: string;
};

/**
 * How to reach a cluster's Kubernetes API server for direct apply
 * (`aiPlatform.clusters[].apiServer`), with defaults applied. Holds a credential: keep it on
 * the backend, out of plans, logs and responses.
 *
 * @public
 */
export type AiPlatformClusterApiServerConfig = {
  url: string;
  /** Base64-encoded PEM bundle of the certificate authorities to trust. */
  caData?: string;
  skipTLSVerify: boolean;
  serviceAccountToken: string;
};

/**
 * The validated `aiPlatform` platform config: the planning config (profiles, clusters without
 * their API servers, models, teams, policies), serving defaults and the API servers of the
 * clusters set up for direct apply.
 *
 * @public
 */
export type AiPlatformConfig = {
  planning: EndpointPlanningConfig;
  serving: AiPlatformServingConfig;
  /** API server per cluster name, for the clusters that have one configured. */
  clusterApiServers: Record<string, AiPlatformClusterApiServerConfig>;
};

/**
 * Options of {@link readAiPlatformConfig}.
 *
 * @public
 */
export type ReadAiPlatformConfigOptions = {
  /**
   * Called for each policy with its config key (e.g. `aiPlatform.policies[0]`); throw an Error
   * whose message names the key to report the policy as invalid, together with every other
   * config problem. The scaffolder module compiles the CEL expressions here.
   */
  validatePolicy?: (policy: PlatformPolicy, configKey: string) => void;
};

const id = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
  message: 'must be lowercase letters, digits, - or .',
});
const positive = z.number().positive();
const dataClassification = z.enum(DATA_CLASSIFICATIONS);

const gpuProfileSchema = z.object({
  id,
  title: z.string().optional(),
  resourceName: z
    .string()
    .regex(/^nvidia\.com\/(gpu|gpu\.shared|mig-\d+g\.\d+gb)$/, {
      message:
        'must be nvidia.com/gpu, nvidia.com/gpu.shared or a MIG resource like nvidia.com/mig-3g.40gb',
    }),
  usableMemoryGiB: positive,
  gpusPerReplica: z.number().int().min(1).optional(),
  nodeSelector: z.record(z.string(), z.string()).default({}),
  tolerations: z
    .array(
      z.object({
        key: z.string().min(1),
        operator: z.enum(['Exists', 'Equal']),
        value: z.string().optional(),
        effect: z
          .enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'])
          .optional(),
      }),
    )
    .default([]),
  hourlyCostUsd: z.number().min(0),
});

const clusterSchema = z.object({
  name: id,
  region: z.string().min(1),
  gpuProfiles: z.array(z.string()).min(1),
  allowedDataClassifications: z.array(dataClassification).min(1),
  gitopsPathPrefix: z.string().min(1).optional(),
  apiServer: z
    .object({
      url: z.string().url(),
      caData: z.string().min(1).optional(),
      skipTLSVerify: z.boolean().default(false),
      serviceAccountToken: z.string().min(1),
    })
    .optional(),
  kueueQueueName: z.string().min(1).optional(),
});

const modelSchema = z.object({
  name: z.string().min(1),
  type: z.enum(MODEL_ENDPOINT_TYPES).optional(),
  parametersBillions: positive,
  layers: z.number().int().positive(),
  kvHeads: z.number().int().positive(),
  headDim: z.number().int().positive(),
  defaultContextTokens: z.number().int().positive(),
  maxContextTokens: z.number().int().positive(),
  license: z.string().min(1),
  maxDataClassification: dataClassification,
  dtypeBytes: positive.optional(),
  kvCacheDtypeBytes: positive.optional(),
});

const teamSchema = z.object({
  group: z.string().min(1),
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
    message: 'must be a DNS-1123 label',
  }),
  kueueQueueName: z.string().min(1).optional(),
  gpuQuota: z.record(z.string(), z.number().int().min(0)).default({}),
  monthlyBudgetUsd: z.number().min(0),
});

const policySchema = z.object({
  id,
  expression: z.string().min(1),
  message: z.string().min(1),
});

const aiPlatformSchema = z.object({
  gpuMemoryUtilization: z.number().gt(0).max(1).default(0.92),
  gpuProfiles: z.array(gpuProfileSchema).default([]),
  clusters: z.array(clusterSchema).default([]),
  models: z.array(modelSchema).default([]),
  teams: z.array(teamSchema).default([]),
  policies: z.array(policySchema).default([]),
  serving: z
    .object({
      vllmImage: z.string().min(1).default('vllm/vllm-openai:v0.11.0'),
      hfTokenSecret: z
        .object({
          name: z.string().min(1).default('hf-token'),
          key: z.string().min(1).default('HF_TOKEN'),
        })
        .default({ name: 'hf-token', key: 'HF_TOKEN' }),
      prometheusServerAddress: z
        .string()
        .url()
        .default('http://prometheus-operated.monitoring.svc:9090'),
    })
    .default({
      vllmImage: 'vllm/vllm-openai:v0.11.0',
      hfTokenSecret: { name: 'hf-token', key: 'HF_TOKEN' },
      prometheusServerAddress: 'http://prometheus-operated.monitoring.svc:9090',
    }),
});

function configPath(path: PropertyKey[]): string {
  return path.reduce<string>(
    (acc, part) =>
      typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${String(part)}`,
    'aiPlatform',
  );
}

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

/**
 * Reads and validates the AI Platform platform config under `aiPlatform`. Every problem is
 * reported at once in one Error, each line naming its config key, so a broken config stops the
 * backend at startup rather than at the first plan.
 *
 * @public
 */
export function readAiPlatformConfig(
  config: Config,
  options: ReadAiPlatformConfigOptions = {},
): AiPlatformConfig {
  const raw = config.getOptional<Record<string, unknown>>('aiPlatform') ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error('Invalid AI Platform config: aiPlatform must be an object');
  }
  const parsed = aiPlatformSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `Invalid AI Platform config:\n${parsed.error.issues
        .map(issue => `- ${configPath(issue.path)}: ${issue.message}`)
        .join('\n')}`,
    );
  }
  const value = parsed.data;
  const problems: string[] = [];
  const profileIds = value.gpuProfiles.map(p => p.id);

  for (const [key, ids] of [
    ['gpuProfiles', profileIds],
    ['clusters', value.clusters.map(c => c.name)],
    ['models', value.models.map(m => m.name)],
    ['policies', value.policies.map(p => p.id)],
  ] as const) {
    for (const dup of duplicates([...ids])) {
      problems.push(`aiPlatform.${key}: '${dup}' is defined more than once`);
    }
  }
  value.clusters.forEach((cluster, i) =>
    cluster.gpuProfiles.forEach((profile, j) => {
      if (!profileIds.includes(profile)) {
        problems.push(
          `aiPlatform.clusters[${i}].gpuProfiles[${j}]: unknown GPU profile '${profile}'; known: ${profileIds.join(
            ', ',
          )}`,
        );
      }
    }),
  );
  value.models.forEach((model, i) => {
    if (model.defaultContextTokens > model.maxContextTokens) {
      problems.push(
        `aiPlatform.models[${i}].defaultContextTokens: ${model.defaultContextTokens} exceeds maxContextTokens ${model.maxContextTokens}`,
      );
    }
  });
  const teamRefs: string[] = [];
  value.teams.forEach((team, i) => {
    const ref = normalizeGroupRef(team.group);
    if (!ref || !ref.startsWith('group:')) {
      problems.push(
        `aiPlatform.teams[${i}].group: '${team.group}' must be a group reference like group:default/ml-platform`,
      );
    } else {
      teamRefs.push(ref);
    }
    for (const profile of Object.keys(team.gpuQuota)) {
      if (!profileIds.includes(profile)) {
        problems.push(
          `aiPlatform.teams[${i}].gpuQuota.${profile}: unknown GPU profile; known: ${profileIds.join(
            ', ',
          )}`,
        );
      }
    }
  });
  for (const dup of duplicates(teamRefs)) {
    problems.push(`aiPlatform.teams: '${dup}' is defined more than once`);
  }
  if (options.validatePolicy) {
    value.policies.forEach((policy, i) => {
      try {
        options.validatePolicy!(policy, `aiPlatform.policies[${i}]`);
      } catch (error) {
        problems.push((error as Error).message);
      }
    });
  }
  if (problems.length > 0) {
    throw new Error(
      `Invalid AI Platform config:\n${problems.map(p => `- ${p}`).join('\n')}`,
    );
  }

  return {
    planning: {
      gpuMemoryUtilization: value.gpuMemoryUtilization,
      hoursPerMonth: HOURS_PER_MONTH,
      gpuProfiles: value.gpuProfiles,
      // The API server (with its token) is not part of planning.
      clusters: value.clusters.map(
        ({ apiServer: _apiServer, ...cluster }) => cluster,
      ),
      models: value.models,
      teams: value.teams,
      policies: value.policies,
    },
    serving: value.serving,
    clusterApiServers: Object.fromEntries(
      value.clusters.flatMap(cluster =>
        cluster.apiServer ? [[cluster.name, cluster.apiServer]] : [],
      ),
    ),
  };
}
