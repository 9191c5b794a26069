/**
 * DEMO DATA: the GPU fleet of the demo catalog's self-hosted ModelEndpoints,
 * as the demo exporter serves it. Workload names and namespaces are read
 * from examples/model-endpoints.yaml exactly the way the backend's
 * PrometheusGpuTelemetry maps an endpoint to its pods (endpointWorkloads);
 * GPUs per pod from the GPU profile in app-config.yaml. Utilisation, KV
 * cache, queue and (for one endpoint) replicas follow a made-up working-day
 * pattern, the same function for the backfill and the live exporter.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { Entity } from '@backstage/catalog-model';
import { endpointWorkloads } from '../../plugins/ai-platform-backend/src/prometheus/gpuFleetQueries';
import { GpuFleetWorkload } from '../../plugins/ai-platform-backend/src/prometheus/__testUtils__/gpuFleetExporter';

/** Quiet and busy values of one endpoint; the day interpolates between them. */
interface DemoLoad {
  utilisationPercent: [number, number];
  kvCacheFraction: [number, number];
  waitingRequests: [number, number];
  runningRequests: [number, number];
  /** Replicas when quiet and when busy (defaults to replicas.min both). */
  replicas?: [number, number];
}

/**
 * Made-up loads of the demo endpoints: the H100 Llama busy in office hours
 * (a second replica then), Qwen on its MIG slice moderate, the two L4s
 * mostly idle, so gpu-idle warns and idle cost shows.
 */
const DEMO_LOADS: Record<string, DemoLoad> = {
  'llama-3-1-8b-instruct': {
    utilisationPercent: [18, 74],
    kvCacheFraction: [0.12, 0.68],
    waitingRequests: [0, 2],
    runningRequests: [2, 26],
    replicas: [1, 2],
  },
  'qwen2-5-7b-instruct': {
    utilisationPercent: [9, 42],
    kvCacheFraction: [0.05, 0.46],
    waitingRequests: [0, 0],
    runningRequests: [1, 9],
  },
  'mistral-7b-instruct': {
    utilisationPercent: [3, 15],
    kvCacheFraction: [0.02, 0.2],
    waitingRequests: [0, 0],
    runningRequests: [0, 3],
  },
  'bge-m3-embeddings': {
    utilisationPercent: [4, 28],
    kvCacheFraction: [0.01, 0.05],
    waitingRequests: [0, 0],
    runningRequests: [0, 6],
  },
};

const DEFAULT_LOAD: DemoLoad = {
  utilisationPercent: [10, 35],
  kvCacheFraction: [0.05, 0.3],
  waitingRequests: [0, 0],
  runningRequests: [0, 4],
};

/** One self-hosted demo endpoint and the workload that serves it. */
export interface DemoGpuEndpoint {
  entityName: string;
  namespace: string;
  workload: string;
  gpusPerPod: number;
  replicasMin: number;
  /** The kube-state-metrics resource label of its GPUs. */
  gpuResource: string;
  load: DemoLoad;
}

/**
 * How busy the fleet is at `t`, 0–1: a sine over 07:00–19:00 UTC on
 * weekdays, a third of that at weekends, 0 at night.
 */
export function busyness(t: Date): number {
  const hour = t.getUTCHours() + t.getUTCMinutes() / 60;
  const day = Math.max(0, Math.sin((Math.PI * (hour - 7)) / 12));
  const weekend = t.getUTCDay() === 0 || t.getUTCDay() === 6;
  return weekend ? day / 3 : day;
}

function between([quiet, busy]: [number, number], f: number, digits = 1) {
  const factor = 10 ** digits;
  return Math.round((quiet + (busy - quiet) * f) * factor) / factor;
}

/** The exporter's workload of an endpoint at `t`. */
export function workloadAt(e: DemoGpuEndpoint, t: Date): GpuFleetWorkload {
  const f = busyness(t);
  const replicas = e.load.replicas
    ? e.load.replicas[f > 0.5 ? 1 : 0]
    : e.replicasMin;
  return {
    namespace: e.namespace,
    workload: e.workload,
    replicas,
    gpusPerPod: e.gpusPerPod,
    gpuResource: e.gpuResource,
    utilisationPercent: between(e.load.utilisationPercent, f),
    kvCacheFraction: between(e.load.kvCacheFraction, f, 3),
    waitingRequests: Math.round(between(e.load.waitingRequests, f * f)),
    runningRequests: Math.round(between(e.load.runningRequests, f)),
  };
}

/** kube-state-metrics' label of a Kubernetes resource name. */
export function kubeStateResourceLabel(resourceName: string): string {
  return resourceName.replace(/[^a-zA-Z0-9_]/g, '_');
}

interface GpuProfileConfig {
  id: string;
  resourceName?: string;
  gpusPerReplica?: number;
}

/**
 * The self-hosted endpoints of the demo catalog (`examples/*.yaml`) with
 * their workloads; endpoints whose workloads cannot be told are skipped.
 */
export function readDemoGpuEndpoints(root: string): DemoGpuEndpoint[] {
  const appConfig = parse(
    fs.readFileSync(path.join(root, 'app-config.yaml'), 'utf8'),
  );
  const profiles = new Map<string, GpuProfileConfig>(
    ((appConfig?.aiPlatform?.gpuProfiles ?? []) as GpuProfileConfig[]).map(
      p => [p.id, p],
    ),
  );
  const file = path.join(root, 'examples', 'model-endpoints.yaml');
  const endpoints: DemoGpuEndpoint[] = [];
  for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    const entity = doc.toJS() as Entity | null;
    if (entity?.kind !== 'ModelEndpoint') continue;
    const workloads = endpointWorkloads(entity);
    if ('error' in workloads) continue;
    const serving = (entity.spec as any).serving;
    const profile = profiles.get(serving.gpuProfile);
    endpoints.push({
      entityName: entity.metadata.name,
      namespace: workloads.namespace,
      // KServe's LLMInferenceService may split prefill off; the demo
      // serves only the main workload.
      workload: workloads.workloads[0],
      gpusPerPod: profile?.gpusPerReplica ?? 1,
      replicasMin: Math.max(1, serving.replicas?.min ?? 1),
      gpuResource: kubeStateResourceLabel(
        profile?.resourceName ?? 'nvidia.com/gpu',
      ),
      load: DEMO_LOADS[entity.metadata.name] ?? DEFAULT_LOAD,
    });
  }
  return endpoints;
}
