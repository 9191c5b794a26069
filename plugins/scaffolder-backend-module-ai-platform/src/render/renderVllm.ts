import type { ServingConfig } from '../platform/platformConfig';
import { isPausedPlan, type RenderablePlan } from './renderablePlan';
import type { KubernetesObject } from './validateManifests';
import {
  gpuResources,
  hfTokenEnv,
  HTTP_PORT,
  kueueLabel,
  metadataFor,
  names,
  podSecurityContext,
  preStop,
  probes,
  restrictedContainerSecurityContext,
  shmVolume,
} from './workloadParts';

/**
 * The `vllm` runtime's workload: a Deployment of `vllm serve`, its Service, a KEDA
 * ScaledObject on the waiting requests, a PodDisruptionBudget and a ServiceMonitor.
 *
 * @internal
 */
export function renderVllm(
  plan: RenderablePlan,
  serving: ServingConfig,
): Array<[string, KubernetesObject]> {
  const n = names(plan);
  const { min, max } = plan.request.replicas;
  // A paused endpoint (min = max = 0) runs no pods; KEDA's paused-replicas annotation keeps
  // the autoscaler from starting one (KEDA needs maxReplicaCount ≥ 1 even then).
  const paused = isPausedPlan(plan);
  const modelCacheGiB = Math.ceil(plan.memoryFit.weightsGiB * 1.2 + 10);
  const deployment: KubernetesObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadataFor(plan, kueueLabel(plan)),
    spec: {
      replicas: paused ? 0 : Math.max(1, min),
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
    metadata: paused
      ? {
          ...metadataFor(plan),
          annotations: { 'autoscaling.keda.sh/paused-replicas': '0' },
        }
      : metadataFor(plan),
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: n.name,
      },
      minReplicaCount: min,
      maxReplicaCount: paused ? 1 : max,
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
