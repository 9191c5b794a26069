import Ajv, { type ErrorObject } from 'ajv';

/**
 * A Kubernetes object as rendered: apiVersion, kind, metadata and the rest.
 *
 * @internal
 */
export type KubernetesObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
};

const dns1123Label = {
  type: 'string',
  maxLength: 63,
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
};
const stringMap = {
  type: 'object',
  additionalProperties: { type: 'string' },
};
const metadata = {
  type: 'object',
  required: ['name', 'namespace', 'labels'],
  properties: {
    name: dns1123Label,
    namespace: dns1123Label,
    labels: { ...stringMap, required: ['backstage.io/kubernetes-id'] },
    annotations: stringMap,
  },
};
const quantity = {
  type: 'string',
  pattern: '^[0-9]+(\\.[0-9]+)?(m|Ki|Mi|Gi|Ti)?$',
};
const resources = {
  type: 'object',
  required: ['requests', 'limits'],
  gpuRequestsEqualLimits: true,
  properties: {
    requests: { type: 'object', additionalProperties: quantity },
    limits: { type: 'object', additionalProperties: quantity },
  },
};
const httpProbe = {
  type: 'object',
  required: ['httpGet', 'periodSeconds', 'failureThreshold'],
  properties: {
    httpGet: {
      type: 'object',
      required: ['path', 'port'],
      properties: {
        path: { type: 'string', pattern: '^/' },
        port: { type: ['string', 'integer'] },
      },
    },
    periodSeconds: { type: 'integer', minimum: 1 },
    failureThreshold: { type: 'integer', minimum: 1 },
  },
};
const restrictedContainerSecurityContext = {
  type: 'object',
  required: [
    'allowPrivilegeEscalation',
    'runAsNonRoot',
    'capabilities',
    'seccompProfile',
  ],
  properties: {
    allowPrivilegeEscalation: { const: false },
    runAsNonRoot: { const: true },
    capabilities: {
      type: 'object',
      required: ['drop'],
      properties: { drop: { type: 'array', contains: { const: 'ALL' } } },
    },
    seccompProfile: {
      type: 'object',
      required: ['type'],
      properties: { type: { const: 'RuntimeDefault' } },
    },
  },
};
const envVar = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1 },
    value: { type: 'string' },
    valueFrom: { type: 'object' },
  },
  // secrets by reference only: a token-like variable never carries a literal value
  if: { properties: { name: { pattern: '(TOKEN|KEY|SECRET|PASSWORD)' } } },
  then: { required: ['valueFrom'], not: { required: ['value'] } },
};
const gpuContainer = {
  type: 'object',
  required: [
    'name',
    'resources',
    'securityContext',
    'startupProbe',
    'readinessProbe',
    'livenessProbe',
    'lifecycle',
  ],
  properties: {
    name: dns1123Label,
    image: { type: 'string', minLength: 1, not: { pattern: ':latest$' } },
    args: { type: 'array', items: { type: 'string' } },
    env: { type: 'array', items: envVar },
    resources,
    securityContext: restrictedContainerSecurityContext,
    startupProbe: httpProbe,
    readinessProbe: httpProbe,
    livenessProbe: httpProbe,
    lifecycle: {
      type: 'object',
      required: ['preStop'],
    },
  },
};
const shmVolumes = {
  type: 'array',
  contains: {
    type: 'object',
    required: ['name', 'emptyDir'],
    properties: {
      name: { const: 'dshm' },
      emptyDir: {
        type: 'object',
        required: ['medium'],
        properties: { medium: { const: 'Memory' } },
      },
    },
  },
};
const gpuPodSpec = {
  type: 'object',
  required: [
    'nodeSelector',
    'tolerations',
    'terminationGracePeriodSeconds',
    'securityContext',
    'containers',
    'volumes',
  ],
  properties: {
    nodeSelector: stringMap,
    tolerations: {
      type: 'array',
      items: { type: 'object', required: ['key'] },
    },
    terminationGracePeriodSeconds: { type: 'integer', minimum: 30 },
    securityContext: {
      type: 'object',
      required: ['runAsNonRoot', 'seccompProfile'],
      properties: { runAsNonRoot: { const: true } },
    },
    containers: { type: 'array', minItems: 1, items: gpuContainer },
    volumes: shmVolumes,
  },
};
const selector = {
  type: 'object',
  required: ['matchLabels'],
  properties: { matchLabels: { ...stringMap, minProperties: 1 } },
};

function objectSchema(
  apiVersion: string,
  kind: string,
  spec: Record<string, unknown>,
) {
  return {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { const: apiVersion },
      kind: { const: kind },
      metadata,
      spec,
    },
  };
}

const schemas: Record<string, object> = {
  'apps/v1/Deployment': objectSchema('apps/v1', 'Deployment', {
    type: 'object',
    required: ['selector', 'template'],
    properties: {
      replicas: { type: 'integer', minimum: 0 },
      selector,
      template: {
        type: 'object',
        required: ['metadata', 'spec'],
        properties: {
          metadata: {
            type: 'object',
            required: ['labels'],
            properties: { labels: stringMap },
          },
          spec: gpuPodSpec,
        },
      },
    },
  }),
  'v1/Service': objectSchema('v1', 'Service', {
    type: 'object',
    required: ['selector', 'ports'],
    properties: {
      selector: { ...stringMap, minProperties: 1 },
      ports: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['name', 'port'],
          properties: { port: { type: 'integer', minimum: 1, maximum: 65535 } },
        },
      },
    },
  }),
  'keda.sh/v1alpha1/ScaledObject': objectSchema(
    'keda.sh/v1alpha1',
    'ScaledObject',
    {
      type: 'object',
      required: [
        'scaleTargetRef',
        'minReplicaCount',
        'maxReplicaCount',
        'triggers',
      ],
      properties: {
        scaleTargetRef: {
          type: 'object',
          required: ['name'],
          properties: { name: dns1123Label },
        },
        minReplicaCount: { type: 'integer', minimum: 0 },
        maxReplicaCount: { type: 'integer', minimum: 1 },
        triggers: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['type', 'metadata'],
            properties: {
              metadata: {
                type: 'object',
                required: ['serverAddress', 'query', 'threshold'],
                properties: {
                  query: { type: 'string', minLength: 1 },
                  threshold: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  ),
  'policy/v1/PodDisruptionBudget': objectSchema(
    'policy/v1',
    'PodDisruptionBudget',
    {
      type: 'object',
      required: ['selector'],
      properties: { selector },
    },
  ),
  'monitoring.coreos.com/v1/ServiceMonitor': objectSchema(
    'monitoring.coreos.com/v1',
    'ServiceMonitor',
    {
      type: 'object',
      required: ['selector', 'endpoints'],
      properties: {
        selector,
        endpoints: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['port', 'path'],
            properties: { path: { const: '/metrics' } },
          },
        },
      },
    },
  ),
  'serving.kserve.io/v1beta1/InferenceService': objectSchema(
    'serving.kserve.io/v1beta1',
    'InferenceService',
    {
      type: 'object',
      required: ['predictor'],
      properties: {
        predictor: {
          type: 'object',
          required: [
            'minReplicas',
            'maxReplicas',
            'nodeSelector',
            'tolerations',
            'securityContext',
            'volumes',
            'model',
          ],
          properties: {
            minReplicas: { type: 'integer', minimum: 0 },
            maxReplicas: { type: 'integer', minimum: 1 },
            nodeSelector: stringMap,
            volumes: shmVolumes,
            model: {
              ...gpuContainer,
              required: [
                ...gpuContainer.required.filter(r => r !== 'name'),
                'modelFormat',
                'storageUri',
              ],
              properties: {
                ...gpuContainer.properties,
                modelFormat: {
                  type: 'object',
                  required: ['name'],
                  properties: { name: { const: 'huggingface' } },
                },
                storageUri: { type: 'string', pattern: '^hf://' },
              },
            },
          },
        },
      },
    },
  ),
  'serving.kserve.io/v1alpha2/LLMInferenceService': objectSchema(
    'serving.kserve.io/v1alpha2',
    'LLMInferenceService',
    {
      type: 'object',
      required: ['model', 'template'],
      // replicas and scaling are mutually exclusive
      not: { required: ['replicas', 'scaling'] },
      properties: {
        model: {
          type: 'object',
          required: ['uri', 'name'],
          properties: { uri: { type: 'string', pattern: '^hf://' } },
        },
        replicas: { type: 'integer', minimum: 0 },
        scaling: {
          type: 'object',
          required: ['minReplicas', 'maxReplicas'],
        },
        parallelism: {
          type: 'object',
          properties: { tensor: { type: 'integer', minimum: 1 } },
        },
        template: {
          ...gpuPodSpec,
          properties: {
            ...gpuPodSpec.properties,
            containers: {
              type: 'array',
              minItems: 1,
              items: gpuContainer,
              contains: {
                type: 'object',
                properties: { name: { const: 'main' } },
              },
            },
          },
        },
      },
    },
  ),
};

function checkGpuRequestsEqualLimits(
  _schema: unknown,
  value: unknown,
): boolean {
  const data = value as {
    requests?: Record<string, string>;
    limits?: Record<string, string>;
  };
  const keys = new Set(
    [
      ...Object.keys(data?.requests ?? {}),
      ...Object.keys(data?.limits ?? {}),
    ].filter(k => k.startsWith('nvidia.com/')),
  );
  if (keys.size === 0) {
    return false;
  }
  return [...keys].every(
    k =>
      data.requests?.[k] !== undefined &&
      data.requests?.[k] === data.limits?.[k],
  );
}

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addKeyword({
  keyword: 'gpuRequestsEqualLimits',
  schemaType: 'boolean',
  validate: checkGpuRequestsEqualLimits,
  error: {
    message:
      'must request an nvidia.com/* GPU resource with requests equal to limits',
  },
});
const validators = Object.fromEntries(
  Object.entries(schemas).map(([key, schema]) => [key, ajv.compile(schema)]),
);

function describeError(error: ErrorObject): string {
  const where = error.instancePath || '/';
  const extra =
    error.keyword === 'const'
      ? ` ${JSON.stringify(error.params.allowedValue)}`
      : '';
  return `${where} ${error.message}${extra}`;
}

/**
 * The `apiVersion/kind` pairs the renderer may emit.
 *
 * @internal
 */
export const RENDERED_KUBERNETES_KINDS = Object.keys(schemas);

/**
 * Validates a rendered Kubernetes object against the compact schema of its kind: required
 * fields present, types right, DNS-1123 names, GPU requests equal to limits, restricted
 * security context, probes, /dev/shm in memory, secrets only by reference. Throws an Error
 * listing every problem.
 *
 * @internal
 */
export function validateKubernetesObject(object: KubernetesObject): void {
  const key = `${object?.apiVersion}/${object?.kind}`;
  const validate = validators[key];
  const label = `${object?.kind ?? '?'} ${object?.metadata?.name ?? '?'}`;
  if (!validate) {
    throw new Error(
      `${label}: no schema for ${key}; the renderer emits only ${RENDERED_KUBERNETES_KINDS.join(
        ', ',
      )}`,
    );
  }
  if (!validate(object)) {
    const problems = (validate.errors ?? [])
      .filter(e => e.keyword !== 'if')
      .map(describeError);
    throw new Error(
      `Rendered ${label} is invalid: ${[...new Set(problems)].join('; ')}`,
    );
  }
}
