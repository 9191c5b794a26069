import { RootConfigService } from '@backstage/backend-plugin-api';
import {
  parseLabelMatchers,
  PrometheusLabelMatcher,
} from './prometheusLabelMatchers';
import {
  PROMETHEUS_USES,
  PrometheusGpuConfig,
  PrometheusUse,
  readPrometheusGpuConfig,
  readPrometheusUses,
} from './prometheusGpuConfig';

/**
 * How to reach one Prometheus-compatible server.
 *
 * @internal
 */
export interface PrometheusServerConfig {
  url: string;
  /** Sent with every query; values are secrets and never logged. */
  headers: Record<string, string>;
  timeoutMs: number;
  /**
   * Instant queries are evaluated at the current time rounded down to a
   * multiple of this; range queries never step finer than it.
   */
  stepSeconds: number;
}

/**
 * A cluster whose ModelEndpoints are scored from Prometheus.
 *
 * @internal
 */
export interface PrometheusClusterConfig extends PrometheusServerConfig {
  /** The cluster's name, as in ModelEndpoint `spec.serving.cluster`. */
  name: string;
  /** Extra matchers added to every query, e.g. `cluster="gpu-eu-west-1"`. */
  selector: PrometheusLabelMatcher[];
  /** What this cluster's Prometheus answers; every use when absent. */
  uses?: PrometheusUse[];
  /** The GPU series of this cluster; the defaults when absent. */
  gpu?: PrometheusGpuConfig;
}

/**
 * `aiPlatform.telemetry.prometheus`, validated.
 *
 * @internal
 */
export interface PrometheusTelemetryConfig {
  /** The global server; `undefined` when only clusters name a URL. */
  global: PrometheusServerConfig | undefined;
  /** Whether entities on clusters without an entry use the global server. */
  default: boolean;
  clusters: Map<string, PrometheusClusterConfig>;
  /** What the global server answers (for `default`); every use when absent. */
  uses?: PrometheusUse[];
  /** The GPU series on the global server; the defaults when absent. */
  gpu?: PrometheusGpuConfig;
}

/**
 * Whether a cluster (or the global config) uses Prometheus for `use`.
 *
 * @internal
 */
export function usesPrometheusFor(
  config: { uses?: PrometheusUse[] },
  use: PrometheusUse,
): boolean {
  return (config.uses ?? PROMETHEUS_USES).includes(use);
}

/** Defaults of {@link PrometheusServerConfig}. */
export const DEFAULT_PROMETHEUS_TIMEOUT_MS = 2000;
/** Defaults of {@link PrometheusServerConfig}. */
export const DEFAULT_PROMETHEUS_STEP_SECONDS = 15;

const KEY = 'aiPlatform.telemetry.prometheus';

/** A (sub-)config reader. */
type Config = ReturnType<RootConfigService['getConfig']>;

function readUrl(config: Config, key: string): string | undefined {
  const url = config.getOptionalString('url');
  if (url === undefined) {
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(
      `Invalid config '${key}.url': expected an http(s) URL such as http://prometheus:9090`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(
      `Invalid config '${key}.url': expected an http(s) URL, got protocol ${parsed.protocol}`,
    );
  }
  return url;
}

function readHeaders(
  config: Config,
  key: string,
): Record<string, string> | undefined {
  const headers = config.getOptionalConfig('headers');
  if (!headers) {
    return undefined;
  }
  const result: Record<string, string> = {};
  for (const name of headers.keys()) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      throw new Error(
        `Invalid config '${key}.headers': '${name}' is not an HTTP header name`,
      );
    }
    // The value is a secret: never echo it in an error.
    result[name] = headers.getString(name);
  }
  return result;
}

function readPositive(
  config: Config,
  key: string,
  name: string,
  unit: string,
): number | undefined {
  const value = config.getOptionalNumber(name);
  if (value !== undefined && !(value > 0 && Number.isFinite(value))) {
    throw new Error(
      `Invalid config '${key}.${name}': expected a positive number of ${unit}, got ${value}`,
    );
  }
  return value;
}

/**
 * Reads and validates `aiPlatform.telemetry.prometheus`; `undefined` when it
 * is absent (every entity uses the built-in telemetry store).
 *
 * @throws Error naming the key that is wrong
 * @internal
 */
export function readPrometheusTelemetryConfig(
  rootConfig: RootConfigService,
): PrometheusTelemetryConfig | undefined {
  const config = rootConfig.getOptionalConfig(KEY);
  if (!config) {
    return undefined;
  }
  const globalUrl = readUrl(config, KEY);
  const globalHeaders = readHeaders(config, KEY) ?? {};
  const globalTimeoutMs =
    readPositive(config, KEY, 'timeoutMs', 'milliseconds') ??
    DEFAULT_PROMETHEUS_TIMEOUT_MS;
  const globalStepSeconds =
    readPositive(config, KEY, 'stepSeconds', 'seconds') ??
    DEFAULT_PROMETHEUS_STEP_SECONDS;
  const isDefault = config.getOptionalBoolean('default') ?? false;
  const globalUses = readPrometheusUses(config, KEY) ?? [...PROMETHEUS_USES];
  const globalGpu = readPrometheusGpuConfig(config, KEY);
  if (isDefault && !globalUrl) {
    throw new Error(
      `Invalid config '${KEY}.default': 'default: true' needs '${KEY}.url'`,
    );
  }

  const clusters = new Map<string, PrometheusClusterConfig>();
  (config.getOptionalConfigArray('clusters') ?? []).forEach(
    (cluster, index) => {
      const key = `${KEY}.clusters[${index}]`;
      const name = cluster.getString('name');
      if (clusters.has(name)) {
        throw new Error(
          `Invalid config '${key}.name': cluster '${name}' is listed twice`,
        );
      }
      const url = readUrl(cluster, key) ?? globalUrl;
      if (!url) {
        throw new Error(
          `Invalid config '${key}.url': expected the cluster's Prometheus URL, or set '${KEY}.url'`,
        );
      }
      const selectorText = cluster.getOptionalString('selector');
      let selector: PrometheusLabelMatcher[] = [];
      if (selectorText !== undefined) {
        const parsed = parseLabelMatchers(selectorText);
        if ('error' in parsed) {
          throw new Error(
            `Invalid config '${key}.selector': expected a label-matcher list such as cluster="${name}": ${parsed.error}`,
          );
        }
        selector = parsed.matchers;
      }
      clusters.set(name, {
        name,
        url,
        // A cluster with its own URL does not inherit the global credentials.
        headers:
          readHeaders(cluster, key) ?? (url === globalUrl ? globalHeaders : {}),
        timeoutMs:
          readPositive(cluster, key, 'timeoutMs', 'milliseconds') ??
          globalTimeoutMs,
        stepSeconds:
          readPositive(cluster, key, 'stepSeconds', 'seconds') ??
          globalStepSeconds,
        selector,
        uses: readPrometheusUses(cluster, key) ?? globalUses,
        gpu: readPrometheusGpuConfig(cluster, key, globalGpu),
      });
    },
  );

  return {
    global: globalUrl
      ? {
          url: globalUrl,
          headers: globalHeaders,
          timeoutMs: globalTimeoutMs,
          stepSeconds: globalStepSeconds,
        }
      : undefined,
    default: isDefault,
    clusters,
    uses: globalUses,
    gpu: globalGpu,
  };
}
