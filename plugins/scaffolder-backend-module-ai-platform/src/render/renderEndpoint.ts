import {
  AI_PLATFORM_API_VERSION,
  ANNOTATION_GOLDEN_PATH,
  MODEL_ENDPOINT_KIND,
  validateModelEndpointEntity,
  type ModelEndpointEntityV1alpha1,
} from '@ai-platform/plugin-ai-platform-common';
import yaml from 'yaml';
import type { ServingConfig } from '../platform/platformConfig';
import type { RenderablePlan } from './renderablePlan';
import {
  validateRenderedManifests,
  type KubernetesObject,
} from './validateManifests';

export {
  parseRenderablePlan,
  renderablePlanSchema,
  type RenderablePlan,
} from './renderablePlan';

/**
 * One rendered file, relative to the render target folder.
 *
 * @internal
 */
export type RenderedFile = { path: string; content: string };

const HTTP_PORT = 8000;

function names(plan: RenderablePlan) {
  const name = plan.request.name;
  const selectorLabels = { 'app.kubernetes.io/name': name };
  const podLabels = {
    ...selectorLabels,
    'backstage.io/kubernetes-id': name,
  };
  const objectLabels: Record<string, string> = {
    ...podLabels,
    'app.kubernetes.io/component': 'inference-server',
    'app.kubernetes.io/managed-by': 'backstage-ai-platform',
  };
  return {
    name,
    namespace: plan.namespace,
    selectorLabels,
    podLabels,
    objectLabels,
  };
}

function gpuResources(plan: RenderablePlan) {
  const gpus = String(plan.gpusPerReplica);
  // Host memory must hold the weights while loading; CPU scales with the GPUs.
  const memoryGiB = Math.max(16, Math.ceil(plan.memoryFit.weightsGiB + 8));
  return {
    requests: {
      cpu: String(4 * plan.gpusPerReplica),
      memory: `${memoryGiB}Gi`,
      [plan.gpuProfile.resourceName]: gpus,
    },
    limits: {
      cpu: String(8 * plan.gpusPerReplica),
      memory: `${memoryGiB + 16}Gi`,
      [plan.gpuProfile.resourceName]: gpus,
    },
  };
}

const restrictedContainerSecurityContext = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
const podSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};
const preStop = { preStop: { exec: { command: ['/bin/sleep', '15'] } } };

function probes(
  path: { startup: string; ready: string; live: string },
  port: string | number,
) {
  return {
    startupProbe: {
      httpGet: { path: path.startup, port },
      periodSeconds: 10,
      failureThreshold: 60,
    },
    readinessProbe: {
      httpGet: { path: path.ready, port },
      periodSeconds: 5,
      failureThreshold: 3,
    },
    livenessProbe: {
      httpGet: { path: path.live, port },
      periodSeconds: 10,
      failureThreshold: 6,
    },
  };
}

function hfTokenEnv(serving: ServingConfig) {
  return {
    name: 'HF_TOKEN',
    valueFrom: {
      secretKeyRef: {
        name: serving.hfTokenSecret.name,
        key: serving.hfTokenSecret.key,
      },
    },
  };
}

function shmVolume(plan: RenderablePlan) {
  return {
    name: 'dshm',
    emptyDir: {
      medium: 'Memory',
      sizeLimit: plan.gpusPerReplica > 1 ? '16Gi' : '2Gi',
    },
  };
}

function metadataFor(
  plan: RenderablePlan,
  extraLabels: Record<string, string> = {},
) {
  const n = names(plan);
  return {
    name: n.name,
    namespace: n.namespace,
    labels: { ...n.objectLabels, ...extraLabels },
  };
}

function kueueLabel(plan: RenderablePlan): Record<string, string> {
  return plan.kueueQueueName
    ? { 'kueue.x-k8s.io/queue-name': plan.kueueQueueName }
    : {};
}

function renderVllm(
  plan: RenderablePlan,
  serving: ServingConfig,
): Array<[string, KubernetesObject]> {
  const n = names(plan);
  const { min, max } = plan.request.replicas;
  const modelCacheGiB = Math.ceil(plan.memoryFit.weightsGiB * 1.2 + 10);
  const deployment: KubernetesObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadataFor(plan, kueueLabel(plan)),
    spec: {
      replicas: Math.max(1, min),
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: 0, maxUnavailable: 1 },
      },
      selector: { matchLabels: n.selectorLabels },
      template: {
        metadata: {
          labels: n.podLabels,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(HTTP_PORT),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          nodeSelector: plan.gpuProfile.nodeSelector,
          tolerations: plan.gpuProfile.tolerations,
          terminationGracePeriodSeconds: 60,
          securityContext: podSecurityContext,
          containers: [
            {
              name: 'vllm',
              image: serving.vllmImage,
              command: ['vllm', 'serve'],
              args: [
                plan.model.name,
                `--served-model-name=${n.name}`,
                `--port=${HTTP_PORT}`,
                `--tensor-parallel-size=${plan.request.tensorParallelSize}`,
                `--max-model-len=${plan.request.contextTokens}`,
                `--gpu-memory-utilization=${plan.gpuMemoryUtilization}`,
              ],
              env: [
                hfTokenEnv(serving),
                { name: 'HF_HOME', value: '/models' },
                { name: 'HOME', value: '/models' },
              ],
              ports: [{ name: 'http', containerPort: HTTP_PORT }],
              resources: gpuResources(plan),
              ...probes(
                { startup: '/health', ready: '/health', live: '/health' },
                'http',
              ),
              lifecycle: preStop,
              securityContext: restrictedContainerSecurityContext,
              volumeMounts: [
                { name: 'dshm', mountPath: '/dev/shm' },
                { name: 'models', mountPath: '/models' },
              ],
            },
          ],
          volumes: [
            shmVolume(plan),
            { name: 'models', emptyDir: { sizeLimit: `${modelCacheGiB}Gi` } },
          ],
        },
      },
    },
  };
  const service: KubernetesObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadataFor(plan),
    spec: {
      type: 'ClusterIP',
      selector: n.selectorLabels,
      ports: [{ name: 'http', port: HTTP_PORT, targetPort: 'http' }],
    },
  };
  const serviceMonitor: KubernetesObject = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: metadataFor(plan),
    spec: {
      selector: { matchLabels: n.selectorLabels },
      endpoints: [{ port: 'http', path: '/metrics', interval: '15s' }],
    },
  };
  const scaledObject: KubernetesObject = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: metadataFor(plan),
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: n.name,
      },
      minReplicaCount: min,
      maxReplicaCount: max,
      pollingInterval: 15,
      cooldownPeriod: 360,
      initialCooldownPeriod: 300,
      fallback: { failureThreshold: 3, replicas: Math.max(1, min) },
      triggers: [
        {
          type: 'prometheus',
          metadata: {
            serverAddress: serving.prometheusServerAddress,
            query: `sum(vllm:num_requests_waiting{namespace="${n.namespace}",model_name="${n.name}"})`,
            threshold: '5',
          },
        },
      ],
    },
  };
  const pdb: KubernetesObject = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadataFor(plan),
    spec: { maxUnavailable: 1, selector: { matchLabels: n.selectorLabels } },
  };
  return [
    ['deployment.yaml', deployment],
    ['service.yaml', service],
    ['scaledobject.yaml', scaledObject],
    ['poddisruptionbudget.yaml', pdb],
    ['servicemonitor.yaml', serviceMonitor],
  ];
}

function renderKserve(
  plan: RenderablePlan,
  serving: ServingConfig,
): Array<[string, KubernetesObject]> {
  const n = names(plan);
  const { min, max } = plan.request.replicas;
  const isvc: KubernetesObject = {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      ...metadataFor(plan, kueueLabel(plan)),
      annotations: {
        'serving.kserve.io/deploymentMode': 'Standard',
        'serving.kserve.io/autoscalerClass': 'keda',
        'serving.kserve.io/enable-prometheus-scraping': 'true',
      },
    },
    spec: {
      predictor: {
        minReplicas: min,
        maxReplicas: max,
        autoScaling: {
          metrics: [
            {
              type: 'External',
              external: {
                metric: {
                  backend: 'prometheus',
                  serverAddress: serving.prometheusServerAddress,
                  query: `sum(vllm:num_requests_running{namespace="${n.namespace}",model_name="${n.name}"})`,
                },
                target: { type: 'Value', value: '2' },
              },
            },
          ],
        },
        labels: n.podLabels,
        nodeSelector: plan.gpuProfile.nodeSelector,
        tolerations: plan.gpuProfile.tolerations,
        terminationGracePeriodSeconds: 60,
        securityContext: podSecurityContext,
        model: {
          modelFormat: { name: 'huggingface' },
          args: [
            `--model_name=${n.name}`,
            `--max_model_len=${plan.request.contextTokens}`,
            `--tensor-parallel-size=${plan.request.tensorParallelSize}`,
            `--gpu-memory-utilization=${plan.gpuMemoryUtilization}`,
          ],
          storageUri: `hf://${plan.model.name}`,
          env: [hfTokenEnv(serving)],
          resources: gpuResources(plan),
          // The KServe model server serves /v2/health/* on 8080, not vLLM's /health.
          ...probes(
            {
              startup: '/v2/health/ready',
              ready: '/v2/health/ready',
              live: '/v2/health/live',
            },
            8080,
          ),
          lifecycle: preStop,
          securityContext: restrictedContainerSecurityContext,
          volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }],
        },
        volumes: [shmVolume(plan)],
      },
    },
  };
  return [['inferenceservice.yaml', isvc]];
}

function renderKserveLlm(
  plan: RenderablePlan,
  serving: ServingConfig,
): Array<[string, KubernetesObject]> {
  const n = names(plan);
  const { min, max } = plan.request.replicas;
  const replicasOrScaling =
    min === max
      ? { replicas: min }
      : {
          scaling: {
            minReplicas: min,
            maxReplicas: max,
            wva: {
              keda: {
                initialCooldownPeriod: 300,
                fallback: { failureThreshold: 3, replicas: Math.max(1, min) },
              },
            },
          },
        };
  const llmisvc: KubernetesObject = {
    apiVersion: 'serving.kserve.io/v1alpha2',
    kind: 'LLMInferenceService',
    metadata: metadataFor(plan, kueueLabel(plan)),
    spec: {
      model: { uri: `hf://${plan.model.name}`, name: n.name },
      ...replicasOrScaling,
      parallelism: { tensor: plan.request.tensorParallelSize },
      router: { gateway: {}, route: {}, scheduler: {} },
      template: {
        nodeSelector: plan.gpuProfile.nodeSelector,
        tolerations: plan.gpuProfile.tolerations,
        terminationGracePeriodSeconds: 60,
        securityContext: podSecurityContext,
        containers: [
          {
            name: 'main',
            env: [
              hfTokenEnv(serving),
              {
                name: 'VLLM_ADDITIONAL_ARGS',
                value: `--max-model-len=${plan.request.contextTokens} --gpu-memory-utilization=${plan.gpuMemoryUtilization}`,
              },
            ],
            resources: gpuResources(plan),
            ...probes(
              { startup: '/health', ready: '/health', live: '/health' },
              HTTP_PORT,
            ),
            lifecycle: preStop,
            securityContext: restrictedContainerSecurityContext,
            volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }],
          },
        ],
        volumes: [shmVolume(plan)],
      },
    },
  };
  return [['llminferenceservice.yaml', llmisvc]];
}

/**
 * The in-cluster OpenAI-compatible base URL of the endpoint for each runtime.
 *
 * @internal
 */
export function inClusterApiBase(plan: RenderablePlan): string {
  const { name, namespace } = names(plan);
  switch (plan.request.runtime) {
    case 'vllm':
      return `http://${name}.${namespace}.svc.cluster.local:${HTTP_PORT}/v1`;
    case 'kserve':
      // Standard (raw) mode predictor Service; the HF server's OpenAI routes live under /openai.
      return `http://${name}-predictor.${namespace}.svc.cluster.local/openai/v1`;
    default:
      // The workload Service the LLMInferenceService controller creates (TLS on 8000).
      return `https://${name}-kserve-workload-svc.${namespace}.svc.cluster.local:${HTTP_PORT}/v1`;
  }
}

function renderLiteLlmModel(plan: RenderablePlan) {
  return {
    model_list: [
      {
        model_name: plan.request.gatewayModel,
        litellm_params: {
          model: `openai/${plan.request.name}`,
          api_base: inClusterApiBase(plan),
          api_key: 'os.environ/SELF_HOSTED_ENDPOINT_API_KEY',
        },
        model_info: {
          mode: plan.model.type === 'embedding' ? 'embedding' : 'chat',
          backstage_entity_ref: `modelendpoint:default/${plan.request.name}`,
        },
      },
    ],
  };
}

function renderCatalogInfo(
  plan: RenderablePlan,
  options: { lifecycle: string; templateRef?: string },
): ModelEndpointEntityV1alpha1 {
  const { name, namespace } = names(plan);
  const entity = {
    apiVersion: AI_PLATFORM_API_VERSION,
    kind: MODEL_ENDPOINT_KIND,
    metadata: {
      name,
      description: `${plan.model.name} served by ${plan.request.runtime} on ${plan.gpuProfile.id} in ${plan.cluster.name}`,
      annotations: {
        'backstage.io/kubernetes-id': name,
        'backstage.io/kubernetes-namespace': namespace,
        // backstage.io/source-template is what catalog:register sets for template-created
        // entities; Backstage's own views (and golden-path adoption) read it.
        ...(options.templateRef
          ? {
              [ANNOTATION_GOLDEN_PATH]: options.templateRef,
              'backstage.io/source-template': options.templateRef,
            }
          : {}),
      },
      tags: [plan.request.runtime, plan.gpuProfile.id],
    },
    spec: {
      type: plan.model.type ?? 'chat',
      lifecycle: options.lifecycle,
      owner: plan.request.owner,
      ...(plan.request.system ? { system: plan.request.system } : {}),
      model: {
        name: plan.model.name,
        parametersBillions: plan.model.parametersBillions,
        license: plan.model.license,
      },
      serving: {
        mode: 'self-hosted',
        runtime: plan.request.runtime,
        cluster: plan.cluster.name,
        namespace,
        gpuProfile: plan.gpuProfile.id,
        replicas: { ...plan.request.replicas },
      },
      gateway: { model: plan.request.gatewayModel },
      pricing: { gpuHourUsd: plan.gpuProfile.hourlyCostUsd },
      dataClassification: plan.request.dataClassification,
      ...(plan.request.monthlyBudgetUsd !== undefined
        ? { budget: { monthlyUsd: plan.request.monthlyBudgetUsd } }
        : {}),
    },
  };
  return validateModelEndpointEntity(entity);
}

/**
 * Renders every file of a planned endpoint: the workload for its runtime, the LiteLLM route
 * and the catalog entity. Every Kubernetes object is validated against its schema and the
 * entity against the ModelEndpoint schema before anything is returned.
 *
 * @internal
 */
export function renderEndpointFiles(
  plan: RenderablePlan,
  serving: ServingConfig,
  options: { lifecycle: string; templateRef?: string },
): { files: RenderedFile[]; objects: KubernetesObject[] } {
  let workload: Array<[string, KubernetesObject]>;
  switch (plan.request.runtime) {
    case 'vllm':
      workload = renderVllm(plan, serving);
      break;
    case 'kserve':
      workload = renderKserve(plan, serving);
      break;
    default:
      workload = renderKserveLlm(plan, serving);
  }
  validateRenderedManifests(workload);
  const entity = renderCatalogInfo(plan, options);
  const files: RenderedFile[] = [
    ...workload.map(([path, object]) => ({
      path,
      content: yaml.stringify(object),
    })),
    {
      path: 'gateway/litellm-model.yaml',
      content: yaml.stringify(renderLiteLlmModel(plan)),
    },
    { path: 'catalog-info.yaml', content: yaml.stringify(entity) },
  ];
  return { files, objects: workload.map(([, object]) => object) };
}
