import { ScorecardSourceUnavailableError } from '../scorecards/types';

/**
 * One sample of an instant vector.
 *
 * @internal
 */
export interface PrometheusSample {
  labels: Record<string, string>;
  timestampMs: number;
  /** May be `NaN` or `±Infinity` as Prometheus reports them. */
  value: number;
}

/**
 * One series of a range query.
 *
 * @internal
 */
export interface PrometheusRangeSeries {
  labels: Record<string, string>;
  points: Array<{ timestampMs: number; value: number }>;
}

/**
 * Options of {@link PrometheusClient}.
 *
 * @internal
 */
export interface PrometheusClientOptions {
  /** Base URL of the Prometheus HTTP API, e.g. `http://prometheus:9090`. */
  baseUrl: string;
  /** Extra request headers, e.g. `Authorization`. Never logged. */
  headers?: Record<string, string>;
  /** How long one query may take before it counts as unavailable. */
  timeoutMs: number;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

interface PrometheusApiResponse {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: {
    resultType: 'vector' | 'matrix' | 'scalar' | 'string';
    result: unknown;
  };
}

function parseSampleValue(value: unknown): number {
  // Prometheus encodes sample values as strings: "1.5", "NaN", "+Inf".
  if (value === '+Inf') return Infinity;
  if (value === '-Inf') return -Infinity;
  return Number(value);
}

/**
 * The URL without credentials, query or fragment: safe for messages.
 *
 * @internal
 */
export function displayPrometheusUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, '')}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * A small client of the Prometheus HTTP API (`/api/v1/query`,
 * `/api/v1/query_range`) on the global `fetch`; works with anything that
 * serves that API (Prometheus, Thanos Query, Mimir, VictoriaMetrics).
 *
 * Every failure — connection refused, no answer within `timeoutMs`, a non-2xx
 * status, an `error` body — becomes a {@link ScorecardSourceUnavailableError}
 * whose message names the server (without credentials) and the reason. The
 * configured headers are sent but never put in messages.
 *
 * @internal
 */
export class PrometheusClient {
  readonly displayUrl: string;
  private readonly apiBase: string;
  private readonly fetchFn: typeof fetch;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: PrometheusClientOptions) {
    this.displayUrl = displayPrometheusUrl(options.baseUrl);
    // fetch refuses URLs with credentials: send them as basic auth instead.
    const url = new URL(options.baseUrl);
    this.headers = { ...options.headers };
    if (url.username || url.password) {
      if (
        !Object.keys(this.headers).some(
          h => h.toLowerCase() === 'authorization',
        )
      ) {
        const userInfo = `${decodeURIComponent(
          url.username,
        )}:${decodeURIComponent(url.password)}`;
        this.headers.Authorization = `Basic ${Buffer.from(userInfo).toString(
          'base64',
        )}`;
      }
      url.username = '';
      url.password = '';
    }
    this.apiBase = `${url.toString().replace(/\/+$/, '')}/api/v1`;
    this.fetchFn = options.fetch ?? fetch;
  }

  /** Evaluates `expr` at `at`; a scalar result comes back as one sample. */
  async queryInstant(expr: string, at: Date): Promise<PrometheusSample[]> {
    const data = await this.post('query', {
      query: expr,
      time: (at.getTime() / 1000).toFixed(3),
    });
    if (data.resultType === 'scalar') {
      const [t, v] = data.result as [number, string];
      return [
        { labels: {}, timestampMs: t * 1000, value: parseSampleValue(v) },
      ];
    }
    if (data.resultType !== 'vector') {
      throw this.unavailable(
        `answered a ${data.resultType} where an instant vector was expected`,
      );
    }
    return (
      data.result as Array<{
        metric: Record<string, string>;
        value: [number, string];
      }>
    ).map(item => ({
      labels: item.metric,
      timestampMs: Math.round(item.value[0] * 1000),
      value: parseSampleValue(item.value[1]),
    }));
  }

  /** Evaluates `expr` at `start`, `start + step`, … up to `end`. */
  async queryRange(
    expr: string,
    range: { start: Date; end: Date; stepSeconds: number },
  ): Promise<PrometheusRangeSeries[]> {
    const data = await this.post('query_range', {
      query: expr,
      start: (range.start.getTime() / 1000).toFixed(3),
      end: (range.end.getTime() / 1000).toFixed(3),
      step: String(range.stepSeconds),
    });
    if (data.resultType !== 'matrix') {
      throw this.unavailable(
        `answered a ${data.resultType} where a range vector was expected`,
      );
    }
    return (
      data.result as Array<{
        metric: Record<string, string>;
        values: Array<[number, string]>;
      }>
    ).map(item => ({
      labels: item.metric,
      points: item.values.map(([t, v]) => ({
        timestampMs: Math.round(t * 1000),
        value: parseSampleValue(v),
      })),
    }));
  }

  /**
   * Whether any series matches one of `selectors` between `start` and
   * `end`: asks for their label names (`/api/v1/labels`), an index lookup
   * that reads no samples.
   */
  async hasSeries(
    selectors: string[],
    range: { start: Date; end: Date },
  ): Promise<boolean> {
    const data = await this.post('labels', {
      'match[]': selectors,
      start: (range.start.getTime() / 1000).toFixed(3),
      end: (range.end.getTime() / 1000).toFixed(3),
    });
    return Array.isArray(data) && data.length > 0;
  }

  private unavailable(reason: string): ScorecardSourceUnavailableError {
    return new ScorecardSourceUnavailableError(
      `source unavailable: Prometheus at ${this.displayUrl} ${reason}`,
    );
  }

  private async post(
    endpoint: 'query' | 'query_range' | 'labels',
    params: Record<string, string | string[]>,
  ): Promise<NonNullable<PrometheusApiResponse['data']>> {
    const { timeoutMs } = this.options;
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        body.append(name, item);
      }
    }
    // Ask the server to give up too, so slow queries do not pile up there.
    body.append('timeout', `${Math.max(1, Math.ceil(timeoutMs / 1000))}s`);
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(`${this.apiBase}/${endpoint}`, {
        method: 'POST',
        headers: {
          ...this.headers,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw this.unavailable(`did not answer within ${timeoutMs} ms`);
      }
      const cause = (error as { cause?: { code?: string; message?: string } })
        ?.cause;
      throw this.unavailable(
        `could not be reached: ${
          cause?.code ?? cause?.message ?? (error as Error)?.message ?? error
        }`,
      );
    }
    let parsed: PrometheusApiResponse | undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok || parsed?.status !== 'success' || !parsed.data) {
      const detail = parsed?.error
        ? `${parsed.errorType ?? 'error'}: ${parsed.error}`
        : text.slice(0, 200).trim() || response.statusText;
      throw this.unavailable(`answered ${response.status}: ${detail}`);
    }
    return parsed.data;
  }
}

/**
 * One {@link PrometheusClient} per server (URL, headers and timeout).
 *
 * @internal
 */
export class PrometheusClientPool {
  private readonly clients = new Map<string, PrometheusClient>();

  constructor(private readonly fetchFn?: typeof fetch) {}

  clientFor(server: {
    url: string;
    headers: Record<string, string>;
    timeoutMs: number;
  }): PrometheusClient {
    const key = JSON.stringify([server.url, server.headers, server.timeoutMs]);
    let client = this.clients.get(key);
    if (!client) {
      client = new PrometheusClient({
        baseUrl: server.url,
        headers: server.headers,
        timeoutMs: server.timeoutMs,
        fetch: this.fetchFn,
      });
      this.clients.set(key, client);
    }
    return client;
  }
}
