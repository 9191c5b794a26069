import type { ServingConfig } from '../platform/platformConfig';
import type { RenderablePlan } from './renderablePlan';

// The parts every runtime's workload shares: names and labels, GPU resources, the restricted
// security contexts, probes, the Hugging Face token, shared memory and the Kueue queue label.

/** The HTTP port of the vLLM server (API, health and metrics). */
export const HTTP_PORT = 8000;

/** The endpoint's name, namespace and the selector, pod and object labels of its workload. */
export function names(plan: RenderablePlan) {
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

/** CPU, memory and GPU requests and limits of one replica (GPU requests equal limits). */
export function gpuResources(plan: RenderablePlan) {
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

/** The container security context of the restricted Pod Security Standard. */
export const restrictedContainerSecurityContext = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
/** The pod security context: non-root user and group 1000, RuntimeDefault seccomp. */
export const podSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};
/** Waits 15 s before stopping, so the Service stops routing to the pod first. */
export const preStop = { preStop: { exec: { command: ['/bin/sleep', '15'] } } };

/** Startup, readiness and liveness probes on the given paths and port. */
export function probes(
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

/** `HF_TOKEN` from the platform's Hugging Face token Secret (never the value). */
export function hfTokenEnv(serving: ServingConfig) {
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

/** The shared-memory volume (`/dev/shm`): 16 GiB with more than one GPU per replica, else 2 GiB. */
export function shmVolume(plan: RenderablePlan) {
  return {
    name: 'dshm',
    emptyDir: {
      medium: 'Memory',
      sizeLimit: plan.gpusPerReplica > 1 ? '16Gi' : '2Gi',
    },
  };
}

/** Name, namespace and labels of one rendered object. */
export function metadataFor(
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

/** The Kueue queue label, when the plan names a queue. */
export function kueueLabel(plan: RenderablePlan): Record<string, string> {
  return plan.kueueQueueName
    ? { 'kueue.x-k8s.io/queue-name': plan.kueueQueueName }
    : {};
}
