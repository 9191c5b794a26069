import http from 'node:http';
import { AddressInfo } from 'node:net';

/** vLLM's TTFT buckets (V1 loggers), seconds. */
export const VLLM_TTFT_BUCKETS_SECONDS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5,
  7.5, 10, 20, 40, 80, 160, 640, 2560,
];

/** LiteLLM's `LATENCY_BUCKETS`, seconds. */
export const LITELLM_LATENCY_BUCKETS_SECONDS = [
  0.005, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5,
  5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10, 15, 20, 25, 30, 60, 120, 180, 240,
  300,
];

/**
 * What one model adds per scrape: the exporter serves `k` times these after
 * `k` scrapes (all zero on the first), so the totals are known exactly.
 */
export interface KnownModelTraffic {
  /** Gateway alias: vLLM `model_name`, LiteLLM `model` / `model_group`. */
  alias: string;
  /** TTFT observations per scrape, seconds (vLLM and LiteLLM histograms). */
  ttftSecondsPerScrape: number[];
  /** End-to-end latency observations per scrape, seconds. */
  latencySecondsPerScrape: number[];
  /** vLLM finished requests per scrape by `finished_reason`. */
  vllmFinishedPerScrape: { stop: number; length: number; abort: number };
  /** LiteLLM proxy requests and failed requests per scrape. */
  litellmRequestsPerScrape: number;
  litellmFailuresPerScrape: number;
  promptTokensPerScrape: number;
  generationTokensPerScrape: number;
  spendUsdPerScrape: number;
}

function escapeLabelValue(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
}

function labels(set: Record<string, string>): string {
  return `{${Object.entries(set)
    .map(([k, v]) => `${k}="${escapeLabelValue(v)}"`)
    .join(',')}}`;
}

function histogramLines(
  name: string,
  bucketsSeconds: number[],
  observations: number[],
  times: number,
  labelSet: Record<string, string>,
): string[] {
  const lines: string[] = [];
  for (const le of bucketsSeconds) {
    const count = observations.filter(v => v <= le).length * times;
    lines.push(
      `${name}_bucket${labels({ ...labelSet, le: String(le) })} ${count}`,
    );
  }
  lines.push(
    `${name}_bucket${labels({ ...labelSet, le: '+Inf' })} ${
      observations.length * times
    }`,
  );
  const sum = observations.reduce((a, b) => a + b, 0) * times;
  lines.push(`${name}_sum${labels(labelSet)} ${sum}`);
  lines.push(`${name}_count${labels(labelSet)} ${observations.length * times}`);
  return lines;
}

/**
 * The `/metrics` text after `times` scrapes' worth of traffic.
 */
export function renderKnownMetrics(
  models: KnownModelTraffic[],
  times: number,
): string {
  const lines: string[] = [
    '# TYPE vllm:time_to_first_token_seconds histogram',
    '# TYPE vllm:e2e_request_latency_seconds histogram',
    '# TYPE vllm:request_success_total counter',
    '# TYPE vllm:prompt_tokens_total counter',
    '# TYPE vllm:generation_tokens_total counter',
    '# TYPE litellm_llm_api_time_to_first_token_metric histogram',
    '# TYPE litellm_request_total_latency_metric histogram',
    '# TYPE litellm_proxy_total_requests_metric_total counter',
    '# TYPE litellm_proxy_failed_requests_metric_total counter',
    '# TYPE litellm_input_tokens_metric_total counter',
    '# TYPE litellm_output_tokens_metric_total counter',
    '# TYPE litellm_spend_metric_total counter',
  ];
  for (const m of models) {
    const vllm = { model_name: m.alias, engine: '0' };
    lines.push(
      ...histogramLines(
        'vllm:time_to_first_token_seconds',
        VLLM_TTFT_BUCKETS_SECONDS,
        m.ttftSecondsPerScrape,
        times,
        vllm,
      ),
      ...histogramLines(
        'vllm:e2e_request_latency_seconds',
        VLLM_TTFT_BUCKETS_SECONDS,
        m.latencySecondsPerScrape,
        times,
        vllm,
      ),
    );
    for (const [reason, count] of Object.entries(m.vllmFinishedPerScrape)) {
      lines.push(
        `vllm:request_success_total${labels({
          ...vllm,
          finished_reason: reason,
        })} ${count * times}`,
      );
    }
    lines.push(
      `vllm:prompt_tokens_total${labels(vllm)} ${
        m.promptTokensPerScrape * times
      }`,
      `vllm:generation_tokens_total${labels(vllm)} ${
        m.generationTokensPerScrape * times
      }`,
    );
    // LiteLLM: TTFT and spend carry `model`, the proxy request counters
    // `model_group`, the latency histogram both (one series, counted once).
    const byModel = {
      model: m.alias,
      hashed_api_key: 'abc123',
      team: 'team-a',
    };
    lines.push(
      ...histogramLines(
        'litellm_llm_api_time_to_first_token_metric',
        LITELLM_LATENCY_BUCKETS_SECONDS,
        m.ttftSecondsPerScrape,
        times,
        byModel,
      ),
      ...histogramLines(
        'litellm_request_total_latency_metric',
        LITELLM_LATENCY_BUCKETS_SECONDS,
        m.latencySecondsPerScrape,
        times,
        { ...byModel, model_group: m.alias },
      ),
      `litellm_proxy_total_requests_metric_total${labels({
        model_group: m.alias,
        status_code: '200',
      })} ${(m.litellmRequestsPerScrape - m.litellmFailuresPerScrape) * times}`,
      `litellm_proxy_total_requests_metric_total${labels({
        model_group: m.alias,
        status_code: '500',
      })} ${m.litellmFailuresPerScrape * times}`,
      `litellm_proxy_failed_requests_metric_total${labels({
        model_group: m.alias,
        exception_status: '500',
        exception_class: 'InternalServerError',
      })} ${m.litellmFailuresPerScrape * times}`,
      `litellm_input_tokens_metric_total${labels(byModel)} ${
        m.promptTokensPerScrape * times
      }`,
      `litellm_output_tokens_metric_total${labels(byModel)} ${
        m.generationTokensPerScrape * times
      }`,
      `litellm_spend_metric_total${labels(byModel)} ${
        m.spendUsdPerScrape * times
      }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A running exporter.
 */
export interface KnownDistributionExporter {
  /** `127.0.0.1:<port>`, a Prometheus scrape target. */
  target: string;
  /** Scrapes served so far. */
  scrapes(): number;
  /**
   * Stops the growth: later scrapes serve the same totals, `frozenAt`
   * times the per-scrape traffic.
   */
  freeze(): number;
  close(): Promise<void>;
}

/**
 * Serves vLLM- and LiteLLM-shaped metrics with known values on
 * `127.0.0.1:<random port>/metrics`: the `k`-th scrape (from 0) serves `k`
 * times each model's per-scrape traffic, so counters start at 0 and grow
 * by a known step between scrapes.
 */
export async function startKnownDistributionExporter(
  models: KnownModelTraffic[],
): Promise<KnownDistributionExporter> {
  let served = 0;
  let frozenAt: number | undefined;
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const times = frozenAt ?? served;
    served += 1;
    res.writeHead(200, {
      'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
    });
    res.end(renderKnownMetrics(models, times));
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    scrapes: () => served,
    freeze: () => {
      frozenAt = frozenAt ?? Math.max(0, served - 1);
      return frozenAt;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
