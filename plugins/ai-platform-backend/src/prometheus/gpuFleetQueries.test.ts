import { Entity } from '@backstage/catalog-model';
import {
  buildGpuReadingQuery,
  endpointWorkloads,
  escapeRegex,
  GPU_POD_MATCHER_MAX_WORKLOADS,
  gpuQueryWindow,
  gpuSeriesSelector,
} from './gpuFleetQueries';
import {
  DEFAULT_PROMETHEUS_GPU_CONFIG,
  MAX_GPU_POINTS_PER_SERIES,
} from './prometheusGpuConfig';

function endpoint(name: string, serving: Record<string, unknown>): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name },
    spec: { serving: { mode: 'self-hosted', ...serving } },
  };
}

describe('endpointWorkloads', () => {
  it('names the workloads the scaffolder renders for each runtime', () => {
    expect(
      endpointWorkloads(
        endpoint('llama', { runtime: 'vllm', namespace: 'ml' }),
      ),
    ).toEqual({ namespace: 'ml', workloads: ['llama'] });
    expect(
      endpointWorkloads(
        endpoint('llama', { runtime: 'kserve', namespace: 'ml' }),
      ),
    ).toEqual({ namespace: 'ml', workloads: ['llama-predictor'] });
    expect(
      endpointWorkloads(
        endpoint('llama', { runtime: 'kserve-llm', namespace: 'ml' }),
      ),
    ).toEqual({
      namespace: 'ml',
      workloads: ['llama-kserve', 'llama-kserve-prefill'],
    });
    expect(endpointWorkloads(endpoint('llama', { runtime: 'vllm' }))).toEqual({
      error: expect.stringContaining('spec.serving.namespace is not set'),
    });
  });
});

describe('gpuQueryWindow', () => {
  it('aligns the window to the step and evaluates 1 ms before its end', () => {
    const window = gpuQueryWindow(
      {
        from: new Date('2026-12-01T00:00:00Z'),
        to: new Date('2026-12-04T10:07:31Z'),
      },
      300,
    )!;
    expect(window.stepSeconds).toBe(300);
    expect(window.to.toISOString()).toBe('2026-12-04T10:05:00.000Z');
    expect(window.rangeSeconds).toBe(3 * 86400 + 10 * 3600 + 300);
    expect(window.evaluateAt.toISOString()).toBe('2026-12-04T10:04:59.999Z');
  });

  it('lengthens the step so no series has more points than the cap', () => {
    const window = gpuQueryWindow(
      { from: new Date(0), to: new Date(365 * 86400 * 1000) },
      300,
    )!;
    expect(window.rangeSeconds / window.stepSeconds).toBeLessThanOrEqual(
      MAX_GPU_POINTS_PER_SERIES,
    );
    expect(window.stepSeconds).toBeGreaterThan(300);
  });

  it('has no window shorter than a second', () => {
    expect(
      gpuQueryWindow({ from: new Date(1000), to: new Date(1500) }, 300),
    ).toBeUndefined();
  });
});

describe('buildGpuReadingQuery', () => {
  const window = gpuQueryWindow(
    { from: new Date(0), to: new Date(3600 * 1000) },
    300,
  )!;
  const selection = {
    clusterSelector: [
      { name: 'cluster', operator: '=' as const, value: 'gpu-eu' },
    ],
    namespaces: ['ml', 'ml', 'prod'],
    workloads: ['llama', 'qwen.2'],
  };

  it('asks once for all endpoints, grouped by namespace and workload', () => {
    const query = buildGpuReadingQuery(
      'gpuHours',
      DEFAULT_PROMETHEUS_GPU_CONFIG,
      selection,
      window,
    );
    expect(query).toBe(
      'sum by (aiplatform_namespace, aiplatform_workload) (' +
        'label_replace(label_replace(sum_over_time(kube_pod_container_resource_requests{' +
        'cluster="gpu-eu",resource="nvidia_com_gpu",namespace=~"ml|prod",pod=~"(?:llama|qwen\\\\.2)-.*"' +
        '}[3600s:300s]), "aiplatform_workload", "$1", "pod", "(.+)-[a-z0-9]+-[a-z0-9]+"), ' +
        '"aiplatform_namespace", "$1", "namespace", "(.*)"))',
    );
  });

  it('joins alternative metric names with or', () => {
    const query = buildGpuReadingQuery(
      'kvCacheUsagePercent',
      DEFAULT_PROMETHEUS_GPU_CONFIG,
      selection,
      window,
    );
    expect(query.match(/avg_over_time\(vllm:[a-z_]+/g)).toEqual([
      'avg_over_time(vllm:kv_cache_usage_perc',
      'avg_over_time(vllm:gpu_cache_usage_perc',
    ]);
    expect(query).toContain(') or (');
  });

  it('escapes what comes from entities so it cannot end a string or a regex', () => {
    expect(escapeRegex('a.b|c(d)')).toBe('a\\.b\\|c\\(d\\)');
    const query = buildGpuReadingQuery(
      'waitingRequests',
      DEFAULT_PROMETHEUS_GPU_CONFIG,
      { ...selection, namespaces: ['x"}) or vector(1) #'] },
      window,
    );
    expect(query).toContain(
      'namespace=~"x\\"\\\\}\\\\) or vector\\\\(1\\\\) #"',
    );
    expect(query).not.toContain('"}) or vector(1)');
  });
});

describe('gpuSeriesSelector', () => {
  const many = Array.from(
    { length: GPU_POD_MATCHER_MAX_WORKLOADS + 1 },
    (_, i) => `w${i}`,
  );
  it('matches pods by workload prefix for a few workloads, namespaces only for many', () => {
    const series = DEFAULT_PROMETHEUS_GPU_CONFIG.utilisation;
    const few = { clusterSelector: [], namespaces: ['ml'], workloads: ['a'] };
    expect(
      gpuSeriesSelector('m', DEFAULT_PROMETHEUS_GPU_CONFIG, series, few),
    ).toBe('m{namespace=~"ml",pod=~"(?:a)-.*"}');
    expect(
      gpuSeriesSelector('m', DEFAULT_PROMETHEUS_GPU_CONFIG, series, {
        ...few,
        workloads: many,
      }),
    ).toBe('m{namespace=~"ml"}');
  });
});
