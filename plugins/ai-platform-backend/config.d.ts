export interface Config {
  /**
   * Configuration of the AI platform plugins.
   */
  aiPlatform?: {
    /**
     * Telemetry ingest and storage.
     */
    telemetry?: {
      /**
       * How many days raw telemetry events are kept before a daily job
       * deletes them. Hourly rollups and percentile sketches are kept.
       * Defaults to 14.
       */
      retentionDays?: number;
      /**
       * Prometheus (or Thanos Query, Mimir: anything serving the Prometheus
       * HTTP API) as the source of the SLO checks (`ttft-p95`, `error-rate`)
       * and time series of ModelEndpoints, read with PromQL over vLLM's and
       * LiteLLM's own metrics instead of the built-in store. An entity uses
       * it when its `spec.serving.cluster` has an entry in `clusters`, when
       * `default` is true (ModelEndpoints), or when it carries the
       * `aiplatform.io/prometheus-selector` annotation and `url` is set;
       * every other entity, and the budget and eval checks, use the
       * built-in store.
       */
      prometheus?: {
        /** Base URL of the Prometheus HTTP API, e.g. `http://prometheus.monitoring:9090`. */
        url?: string;
        /**
         * Headers sent with every query, e.g. `Authorization: Bearer
         * ${PROMETHEUS_TOKEN}`; reference secrets from the environment.
         * Never logged.
         * @deepVisibility secret
         */
        headers?: { [name: string]: string };
        /**
         * Milliseconds a query may take before the check reports
         * `source-unavailable`. Defaults to 2000.
         */
        timeoutMs?: number;
        /**
         * Query step in seconds: instant queries are evaluated at the
         * current time rounded down to a multiple of it (one consistent
         * instant per run, cache-friendly for Thanos and Mimir query
         * frontends) and range queries never step finer. Defaults to 15.
         */
        stepSeconds?: number;
        /**
         * Whether ModelEndpoints on clusters without an entry in `clusters`
         * (and managed ones) use `url` too. Defaults to false.
         */
        default?: boolean;
        /** Clusters whose ModelEndpoints are scored from Prometheus. */
        clusters?: Array<{
          /** The cluster name, as in ModelEndpoint `spec.serving.cluster` (e.g. `gpu-eu-west-1`). */
          name: string;
          /** This cluster's Prometheus; defaults to the global `url`. */
          url?: string;
          /**
           * Headers for this cluster's Prometheus; default to the global
           * ones when `url` is the global one, else none.
           * @deepVisibility secret
           */
          headers?: { [name: string]: string };
          /** Defaults to the global `timeoutMs`. */
          timeoutMs?: number;
          /** Defaults to the global `stepSeconds`. */
          stepSeconds?: number;
          /**
           * Label matchers added to the vLLM series of this cluster's
           * endpoints, e.g. `cluster="gpu-eu-west-1"` when one Thanos holds
           * every cluster.
           */
          selector?: string;
        }>;
      };
      /**
       * LiteLLM proxy as a telemetry source.
       */
      litellm?: {
        /**
         * Scheduled pull of the proxy's spend logs
         * (`GET /spend/logs/v2`, paged, sorted by `startTime`). Off when
         * absent. Runs once per cluster (scheduler task
         * `ai-platform-litellm-spend-log-pull`) and keeps a cursor in the
         * database, so a restart neither skips nor repeats rows.
         */
        pull?: {
          /** Base URL of the LiteLLM proxy, e.g. `http://litellm:4000`. */
          baseUrl: string;
          /**
           * A LiteLLM key allowed to read spend routes (the master key or a
           * key with `get_spend_routes`); reference it from the environment,
           * e.g. `${LITELLM_SPEND_LOGS_KEY}`.
           * @visibility secret
           */
          apiKey: string;
          /** Seconds between pulls. Defaults to 300. */
          frequencySeconds?: number;
          /** Rows per page, 1 to 100. Defaults to 100. */
          pageSize?: number;
          /**
           * How far back, in hours, the first pull (no cursor yet) starts.
           * Defaults to 24.
           */
          initialLookbackHours?: number;
          /**
           * Rows that started less than this many seconds ago are left for
           * the next pull, because LiteLLM writes spend logs in batches after
           * the call ended. Defaults to 120.
           */
          settleDelaySeconds?: number;
        };
      };
    };
    /**
     * Telemetry ingest endpoints (`POST /v1/traces`, `POST /ingest/litellm`).
     */
    ingest?: {
      /**
       * Largest accepted request body in bytes, measured after gzip
       * decompression; larger bodies answer 413. Defaults to 5242880 (5 MB).
       */
      maxBodyBytes?: number;
      /**
       * How often, in seconds, the join keys (ModelEndpoint
       * `spec.gateway.model`, Agent `spec.gateway.agentId`) are re-read from
       * the catalog. Defaults to 60.
       */
      entityRefreshSeconds?: number;
      /**
       * Admission control of the ingest routes (`POST /v1/traces`,
       * `/v1/logs`, `/v1/metrics`, `/ingest/litellm`), so reads stay fast
       * while ingest runs at the rate the database sustains. A request is
       * admitted after authentication and before its body is read; beyond
       * `maxConcurrent` in progress it waits in a first-come queue, and
       * beyond `maxQueued` waiting it is answered 429 with `Retry-After: 1`
       * at once (nothing read or stored; OTLP exporters and LiteLLM retry).
       */
      admission?: {
        /**
         * Ingest requests in progress at once (body read, decode, map,
         * store). Defaults to 1 on SQLite, which serialises writes on its
         * one connection, and 2 on PostgreSQL.
         */
        maxConcurrent?: number;
        /**
         * Ingest requests waiting for a slot, at most; a client that goes
         * away while waiting leaves the queue. 0 rejects whatever finds every
         * slot taken. Defaults to 2.
         */
        maxQueued?: number;
      };
      /**
       * Plausibility checks of each ingested call (OTLP span, LiteLLM
       * payload). A call outside them is rejected on its own (listed in the
       * OTLP `partialSuccess` or the LiteLLM `rejected` list, naming the
       * field, the value and the limit); the rest of the batch is stored.
       */
      plausibility?: {
        /**
         * Oldest accepted call start, back from now: a `HumanDuration`
         * object (`{ days: 30 }`) or a string (`P30D`, `30d`). Defaults to
         * 30 days.
         */
        maxAge?:
          | {
              years?: number;
              months?: number;
              weeks?: number;
              days?: number;
              hours?: number;
              minutes?: number;
              seconds?: number;
              milliseconds?: number;
            }
          | string;
        /**
         * How far ahead of now a call may start (clock skew of the
         * sender): a `HumanDuration` object or a string. Defaults to 10
         * minutes.
         */
        maxClockSkew?:
          | {
              years?: number;
              months?: number;
              weeks?: number;
              days?: number;
              hours?: number;
              minutes?: number;
              seconds?: number;
              milliseconds?: number;
            }
          | string;
        /**
         * Longest call (latency, time to first token): a `HumanDuration`
         * object or a string. Defaults to 24 hours.
         */
        maxCallDuration?:
          | {
              years?: number;
              months?: number;
              weeks?: number;
              days?: number;
              hours?: number;
              minutes?: number;
              seconds?: number;
              milliseconds?: number;
            }
          | string;
        /**
         * Largest input or output token count of one call. Defaults to
         * 10000000.
         */
        maxTokensPerCall?: number;
        /** Largest cost of one call in USD. Defaults to 10000. */
        maxCostUsdPerCall?: number;
      };
      /**
       * Caps on the work one ingest request may ask for.
       */
      limits?: {
        /**
         * Spans read from one `POST /v1/traces` request; the spans after
         * it are rejected (counted in `partialSuccess`). Defaults to 20000.
         */
        maxSpansPerRequest?: number;
        /**
         * Most `explicitBounds` of one histogram data point of
         * `POST /v1/metrics` (OpenTelemetry SDK defaults use 15 to 20); a
         * point with more is rejected on its own (counted in
         * `partialSuccess`). Defaults to 256.
         */
        maxHistogramBounds?: number;
        /**
         * Data points of GenAI metrics read from one `POST /v1/metrics`
         * request; the points after it are rejected (counted in
         * `partialSuccess`). Defaults to 10000.
         */
        maxDataPointsPerRequest?: number;
      };
    };
    /**
     * Token prices for calls whose gateway reports no cost and whose
     * ModelEndpoint declares no `spec.pricing`.
     */
    pricing?: {
      /**
       * Matched exactly on the gateway model alias, then on the (response)
       * model name of the call.
       */
      models?: Array<{
        /** Gateway model alias or model name, e.g. `gpt-4o-mini`. */
        model: string;
        /** USD per million input tokens. */
        inputPerMillionTokensUsd: number;
        /** USD per million output tokens. */
        outputPerMillionTokensUsd: number;
      }>;
    };
    /**
     * The portal's default permission policy (packages/backend).
     */
    permissions?: {
      /**
       * Group refs whose members may read every entity's telemetry, cost
       * and scorecards, and unattributed telemetry
       * (`ai-platform.telemetry.read` ALLOW); everyone else reads only the
       * entities they or their groups own. `POST /planning/preview` also
       * shows a team's GPU quota, budget and committed spend only to members
       * of that team or of these groups. Defaults to
       * `['group:default/ml-platform']`.
       */
      platformGroups?: string[];
    };
    /**
     * The scorecard engine (checks of ModelEndpoint and Agent entities).
     */
    scorecards?: {
      /**
       * Requests (for `ttft-p95`: streamed successful calls with a TTFT) a
       * window needs before an SLO check or the budget forecast is judged;
       * fewer give `not-enough-data`. Defaults to 20.
       */
      minRequests?: number;
      /**
       * Minutes between scheduled evaluations of every ModelEndpoint and
       * Agent in the catalog. Defaults to 10.
       */
      frequencyMinutes?: number;
      /**
       * Largest accepted drop of an eval score against the previous run of
       * the same suite version before `eval-regression:<suite>` fails.
       * Defaults to 0.05.
       */
      evalRegressionTolerance?: number;
      /**
       * The level ladder, lowest first. A level is reached when every check
       * of its categories meets the requirement and every lower level is
       * reached. Defaults to bronze (budget, no-fail), silver (budget + slo,
       * no-fail), gold (budget + slo + eval, pass).
       */
      levels?: Array<{
        name: string;
        /** Check categories: `slo`, `budget`, `eval`. */
        categories: Array<'slo' | 'budget' | 'eval'>;
        /** `no-fail`: pass, warn or not-enough-data; `pass`: pass only. */
        requirement: 'no-fail' | 'pass';
      }>;
    };
  };
}
