import Ajv from 'ajv';

/**
 * The platform's own rules for rendered objects, on top of their Kubernetes structure
 * (checked by the maintained models, kubernetesStructure.ts): DNS-1123 names and the
 * `backstage.io/kubernetes-id` label, GPU requests equal to limits, the restricted security
 * context, probes and a preStop hook, /dev/shm in memory, secrets only by reference, no
 * `:latest` image, label selectors, the Prometheus trigger and scrape path.
 */

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
      properties: { path: { type: 'string', pattern: '^/' } },
    },
    periodSeconds: { minimum: 1 },
    failureThreshold: { minimum: 1 },
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
/**
 * The policy of a GPU serving container.
 *
 * @internal
 */
export const gpuContainerPolicy = {
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
    env: { type: 'array', items: envVar },
    resources,
    securityContext: restrictedContainerSecurityContext,
    startupProbe: httpProbe,
    readinessProbe: httpProbe,
    livenessProbe: httpProbe,
    lifecycle: { type: 'object', required: ['preStop'] },
  },
};
/**
 * A `dshm` emptyDir in memory among the volumes.
 *
 * @internal
 */
export const shmVolumesPolicy = {
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
/**
 * The policy of a pod that serves on GPUs: scheduled on the GPU profile's nodes, restricted,
 * drained gracefully, with /dev/shm in memory.
 *
 * @internal
 */
export const gpuPodPolicy = {
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
    containers: { type: 'array', minItems: 1, items: gpuContainerPolicy },
    volumes: shmVolumesPolicy,
  },
};
const selector = {
  type: 'object',
  required: ['matchLabels'],
  properties: { matchLabels: { ...stringMap, minProperties: 1 } },
};

/**
 * The rules every rendered object follows: its apiVersion and kind, a spec, and metadata
 * with DNS-1123 name and namespace and the `backstage.io/kubernetes-id` label.
 *
 * @internal
 */
export function objectPolicy(
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

/**
 * The platform rules of each kind with a maintained model.
 *
 * @internal
 */
export const platformPolicies: Record<string, object> = {
  'apps/v1/Deployment': objectPolicy('apps/v1', 'Deployment', {
    type: 'object',
    properties: {
      replicas: { minimum: 0 },
      selector,
      template: {
        type: 'object',
        required: ['metadata', 'spec'],
        properties: {
          metadata: { type: 'object', required: ['labels'] },
          spec: gpuPodPolicy,
        },
      },
    },
  }),
  'v1/Service': objectPolicy('v1', 'Service', {
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
          properties: { port: { minimum: 1, maximum: 65535 } },
        },
      },
    },
  }),
  'keda.sh/v1alpha1/ScaledObject': objectPolicy(
    'keda.sh/v1alpha1',
    'ScaledObject',
    {
      type: 'object',
      required: ['minReplicaCount', 'maxReplicaCount'],
      properties: {
        scaleTargetRef: { properties: { name: dns1123Label } },
        minReplicaCount: { minimum: 0 },
        maxReplicaCount: { minimum: 1 },
        triggers: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            properties: {
              metadata: {
                type: 'object',
                required: ['serverAddress', 'query', 'threshold'],
                properties: { query: { minLength: 1 } },
              },
            },
          },
        },
      },
    },
  ),
  'policy/v1/PodDisruptionBudget': objectPolicy(
    'policy/v1',
    'PodDisruptionBudget',
    { type: 'object', required: ['selector'], properties: { selector } },
  ),
  'monitoring.coreos.com/v1/ServiceMonitor': objectPolicy(
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

/**
 * The Ajv instance for the platform's own schemas (policies and the KServe kinds), with the
 * `gpuRequestsEqualLimits` keyword.
 *
 * @internal
 */
export const platformAjv = new Ajv({ allErrors: true, strict: false });
platformAjv.addKeyword({
  keyword: 'gpuRequestsEqualLimits',
  schemaType: 'boolean',
  validate: checkGpuRequestsEqualLimits,
  error: {
    message:
      'must request an nvidia.com/* GPU resource with requests equal to limits',
  },
});
