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
 * The `kserve` runtime's workload: one InferenceService (Standard mode, KEDA autoscaling on
 * the running requests).
 *
 * @internal
 */
export function renderKserve(
  plan: RenderablePlan,
  serving: ServingConfig,
): Array<[string, KubernetesObject]> {
  const n = names(plan);
  const { min, max } = plan.request.replicas;
  // A paused endpoint (min = max = 0): KServe's stop annotation removes the predictor's pods
  // (KServe needs maxReplicas ≥ 1 even then).
  const paused = isPausedPlan(plan);
  const isvc: KubernetesObject = {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      ...metadataFor(plan, kueueLabel(plan)),
      annotations: {
        'serving.kserve.io/deploymentMode': 'Standard',
        'serving.kserve.io/autoscalerClass': 'keda',
        'serving.kserve.io/enable-prometheus-scraping': 'true',
        ...(paused ? { 'serving.kserve.io/stop': 'true' } : {}),
      },
    },
    spec: {
      predictor: {
        minReplicas: min,
        maxReplicas: paused ? 1 : max,
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

/**
 * The `kserve-llm` runtime's workload: one LLMInferenceService (fixed replicas, or WVA/KEDA
 * scaling between min and max).
 *
 * @internal
 */
export function renderKserveLlm(
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
