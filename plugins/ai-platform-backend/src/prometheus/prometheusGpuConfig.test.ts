import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { PrometheusGpuTelemetry } from './PrometheusGpuTelemetry';
import { DEFAULT_PROMETHEUS_GPU_CONFIG } from './prometheusGpuConfig';
import { PrometheusScorecardSource } from './PrometheusScorecardSource';
import { readPrometheusTelemetryConfig } from './prometheusTelemetryConfig';

/** A JSON object, as config data is. */
type JsonObject = NonNullable<
  NonNullable<Parameters<typeof mockServices.rootConfig>[0]>['data']
>;

const read = (prometheus: JsonObject) =>
  readPrometheusTelemetryConfig(
    mockServices.rootConfig({
      data: { aiPlatform: { telemetry: { prometheus } } },
    }),
  )!;

function selfHosted(name: string, cluster: string): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'chat',
      lifecycle: 'production',
      owner: 'group:default/team-a',
      model: { name: 'some/model' },
      serving: {
        mode: 'self-hosted',
        runtime: 'vllm',
        cluster,
        namespace: 'serving',
      },
      gateway: { model: name },
    },
  };
}

describe('aiPlatform.telemetry.prometheus uses and gpu', () => {
  it('defaults to every use and the kube-state-metrics, DCGM and vLLM series', () => {
    const config = read({
      url: 'http://prom:9090',
      clusters: [{ name: 'gpu-a' }],
    });
    expect(config.uses).toEqual(['slo', 'gpu']);
    expect(config.clusters.get('gpu-a')).toMatchObject({
      uses: ['slo', 'gpu'],
      gpu: DEFAULT_PROMETHEUS_GPU_CONFIG,
    });
  });

  it('lets a cluster override the global gpu settings key by key', () => {
    const config = read({
      url: 'http://prom:9090',
      gpu: {
        stepSeconds: 60,
        utilisation: {
          metric: 'DCGM_FI_DEV_GPU_UTIL',
          podLabel: 'exported_pod',
        },
      },
      clusters: [
        {
          name: 'gpu-a',
          uses: ['gpu'],
          gpu: {
            podLabel: 'kubernetes_pod_name',
            kvCache: 'vllm:gpu_cache_usage_perc',
            allocation: {
              metric: 'kube_deployment_status_replicas_available',
              matchers: '',
              workloadLabel: 'deployment',
              perReplica: true,
            },
          },
        },
      ],
    });
    const gpu = config.clusters.get('gpu-a')!.gpu!;
    expect(config.clusters.get('gpu-a')!.uses).toEqual(['gpu']);
    expect(gpu.stepSeconds).toBe(60);
    expect(gpu.podLabel).toBe('kubernetes_pod_name');
    expect(gpu.utilisation.podLabel).toBe('exported_pod');
    expect(gpu.kvCache).toEqual({
      metrics: ['vllm:gpu_cache_usage_perc'],
      matchers: [],
      scale: 100,
    });
    expect(gpu.allocation).toEqual({
      metrics: ['kube_deployment_status_replicas_available'],
      matchers: [],
      scale: 1,
      workloadLabel: 'deployment',
      perReplica: true,
    });
    expect(config.gpu!.podLabel).toBe('pod');
  });

  it.each([
    [
      { uses: ['slo', 'cost'] },
      /'aiPlatform.telemetry.prometheus.uses': expected a list of slo, gpu, got 'cost'/,
    ],
    [
      { gpu: { stepSeconds: 0.5 } },
      /'aiPlatform.telemetry.prometheus.gpu.stepSeconds': expected a whole number of seconds/,
    ],
    [
      { gpu: { utilisation: { metric: 'DCGM FI' } } },
      /'aiPlatform.telemetry.prometheus.gpu.utilisation.metric': expected a Prometheus metric name/,
    ],
    [
      { gpu: { waiting: ['vllm:num_requests_waiting', 'up{}'] } },
      /'aiPlatform.telemetry.prometheus.gpu.waiting.metric': expected a Prometheus metric name/,
    ],
    [
      { gpu: { allocation: { matchers: 'resource=nvidia' } } },
      /'aiPlatform.telemetry.prometheus.gpu.allocation.matchers': expected a label-matcher list/,
    ],
    [
      { gpu: { podLabel: 'pod-name' } },
      /'aiPlatform.telemetry.prometheus.gpu.podLabel': expected a Prometheus label name/,
    ],
    [
      { gpu: { workloadFromPod: '.+-[a-z]+' } },
      /'aiPlatform.telemetry.prometheus.gpu.workloadFromPod': expected a regular expression with one capture group/,
    ],
    [
      { gpu: { kvCache: { scale: 0 } } },
      /'aiPlatform.telemetry.prometheus.gpu.kvCache.scale': expected a positive number/,
    ],
    [
      { clusters: [{ name: 'a', gpu: { running: { podLabel: '1pod' } } }] },
      /'aiPlatform.telemetry.prometheus.clusters\[0\].gpu.running.podLabel'/,
    ],
  ])('rejects %j', (prometheus, error) => {
    expect(() => read({ url: 'http://p', ...prometheus })).toThrow(error);
  });

  it('keeps the SLO checks of a cluster with uses: [gpu] on the built-in store', () => {
    const config = read({
      url: 'http://prom:9090',
      clusters: [
        { name: 'gpu-only', uses: ['gpu'] },
        { name: 'slo-only', uses: ['slo'] },
        { name: 'both' },
      ],
    });
    const slo = new PrometheusScorecardSource({ config });
    const gpu = new PrometheusGpuTelemetry({ config });
    const applies = (cluster: string) => [
      slo.appliesTo(selfHosted(`e-${cluster}`, cluster)),
      gpu.appliesTo(selfHosted(`e-${cluster}`, cluster)),
    ];
    expect(applies('gpu-only')).toEqual([false, true]);
    expect(applies('slo-only')).toEqual([true, false]);
    expect(applies('both')).toEqual([true, true]);
    expect(applies('elsewhere')).toEqual([false, false]);
  });
});
