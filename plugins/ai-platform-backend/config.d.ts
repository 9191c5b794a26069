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
       * Link to a trace in your tracing UI: a URL template with `{traceId}`
       * (the 32 hex character OTLP trace id), e.g.
       * `https://jaeger.example.com/trace/{traceId}` (Jaeger),
       * `https://grafana.example.com/explore?left={"queries":[{"query":"{traceId}"}]}`
       * (Tempo) or `https://langfuse.example.com/trace/{traceId}`. Failing
       * agent checks and the runs and tools panel link the latest failing
       * traces; without it they show the trace id only.
       */
      traceLinks?: string;
      /**
       * Prometheus (or Thanos Query, Mimir: anything serving the Prometheus
       * HTTP API) as the source of the SLO checks (`ttft-p95`, `error-rate`)
       * and time series of ModelEndpoints, read with PromQL over vLLM's and
       * LiteLLM's own metrics instead of the built-in store. An entity uses
       * it when its `spec.serving.cluster` has an entry in `clusters`, when
       * `default` is true (ModelEndpoints), or when it carries the
       * `aiplatform.io/prometheus-selector` annotation and `url` is set;
       * every other entity, and the budget and eval checks, use the
       * built-in store. It is also the source of the GPU readings of
       * self-hosted ModelEndpoints (GPU-hours held, utilisation, KV cache,
       * queue; see `gpu`), read with one grouped query per reading and
       * cluster for the whole fleet.
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
        /**
         * What Prometheus is used for: `slo` (the SLO checks and time
         * series) and `gpu` (GPU-hours, utilisation and saturation of
         * self-hosted endpoints). Defaults to both; a cluster inherits it.
         * `uses: [gpu]` keeps the SLO checks on the built-in store.
         */
        uses?: Array<'slo' | 'gpu'>;
        /**
         * Which series give the GPU readings of self-hosted ModelEndpoints
         * and which labels name their pods. An endpoint's pods are those in
         * `spec.serving.namespace` whose name starts with its workload: the
         * entity name for the `vllm` and `nim` runtimes, `<name>-predictor`
         * for `kserve`, `<name>-kserve` (and `<name>-kserve-prefill`) for
         * `kserve-llm`. Defaults fit kube-state-metrics, the DCGM exporter
         * and vLLM; a cluster's `gpu` overrides these key by key.
         */
        gpu?: PrometheusGpuSettings;
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
          /** Defaults to the global `uses`. */
          uses?: Array<'slo' | 'gpu'>;
          /** Overrides the global `gpu` settings key by key for this cluster. */
          gpu?: PrometheusGpuSettings;
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
     * Governance of the golden paths (issue 14). The approval gate and the
     * audit trail are read by the ai-platform backend.
     */
    governance?: {
      /**
       * Group refs whose members may approve proposals of the golden paths
       * (not their own). Defaults to `aiPlatform.permissions.platformGroups`,
       * then `['group:default/ml-platform']`.
       */
      approverGroups?: string[];
      /**
       * Requirements per autonomy level and risk tier, as policy-as-code.
       * The plan and validate actions list every unmet one (and fail), the
       * scorecard checks every Agent and ModelEndpoint in the catalog
       * against them (`governance` checks). A list replaces the defaults
       * entirely; without one: L3+ agents need an eval suite with minScore,
       * a budget and an SLO; L4+ or high-risk agents need
       * `humanInTheLoop: true` and an approval; entities handling
       * restricted data need an approval.
       */
      requirements?: Array<{
        /** Stable id, reported as `governance:<id>`. Lowercase letters, digits, `-`, `.`. */
        id: string;
        /**
         * Which entities the requirement applies to: any one of the
         * conditions (none: every entity of `kinds`).
         */
        appliesTo?: {
          /** Kinds; defaults to `['Agent', 'ModelEndpoint']`. */
          kinds?: string[];
          /** This autonomy level or higher, e.g. `L3` for "L3+". */
          minAutonomyLevel?: 'L1' | 'L2' | 'L3' | 'L4' | 'L5';
          /** Any of these risk tiers. */
          riskTiers?: Array<'minimal' | 'limited' | 'high'>;
          /** Any of these data classifications. */
          dataClassifications?: Array<
            'public' | 'internal' | 'confidential' | 'restricted'
          >;
          /** A CEL expression over `entity`, `spec`, `request`, `plan` that is true. */
          expression?: string;
        };
        /**
         * What is required: `evalSuite` (spec.evals with minScore),
         * `budget` (spec.budget.monthlyUsd), `slo` (spec.slo),
         * `humanInTheLoop`, `approval` (routes the commit to a proposal
         * branch, never a failure) or `expression` (the CEL `expression`
         * must be true).
         */
        control:
          | 'evalSuite'
          | 'budget'
          | 'slo'
          | 'humanInTheLoop'
          | 'approval'
          | 'expression';
        /** For `control: expression`: a CEL expression over `entity`, `spec`, `request`, `plan`. */
        expression?: string;
        /** Replaces the generated message of an unmet requirement (required for `expression`). */
        message?: string;
        /** Replaces the generated advice on how to satisfy it. */
        howToSatisfy?: string;
      }>;
      /**
       * How long records are kept.
       */
      retention?: {
        /**
         * Audit events (`GET /audit/by-entity/...`: plans, commits,
         * approval requests, approvals, rejections), deleted daily once
         * older than the days of their entity's risk tier.
         */
        audit?: {
          /**
           * Days per risk tier, e.g. `{ minimal: 90, limited: 180, high: 730 }`.
           * Defaults: minimal 90, limited 180, high 365. `high` below 180
           * (six months, the EU AI Act's minimum for logs of high-risk
           * systems) is refused at startup.
           */
          byRiskTier?: { [riskTier: string]: number };
          /**
           * Days for events of entities without a risk tier
           * (ModelEndpoints) or with a tier not listed. Defaults to 180.
           */
          defaultDays?: number;
        };
        /**
         * Raw telemetry (events, agent runs, tool calls) of entities with a
         * risk tier (`spec.riskTier`), deleted daily once older than the
         * days of their tier; other rows use
         * `aiPlatform.telemetry.retentionDays`. Hourly rollups are kept.
         */
        telemetry?: {
          /**
           * Days per risk tier, e.g. `{ high: 365, limited: 30 }`.
           * Defaults: high 180 (six months of logs of high-risk systems).
           */
          byRiskTier?: { [riskTier: string]: number };
        };
      };
    };
    /**
     * Notifications to the owning group when a scorecard check fails or
     * recovers (the budget forecast crossing the budget included), and to
     * approvers and requesters of the approval gate, through the
     * notifications backend.
     */
    notifications?: {
      /** Defaults to true. */
      enabled?: boolean;
      /**
       * A check that turns red again within this many minutes of its last
       * notification is held back until the cooldown is over (flapping).
       * Defaults to 60.
       */
      cooldownMinutes?: number;
      /** Copies of every notification to webhooks (Slack-compatible or JSON). */
      webhooks?: Array<{
        /** Named in logs instead of the URL. */
        name: string;
        /**
         * The webhook URL; it holds a token, so reference an environment
         * variable: `url: ${AI_PLATFORM_SLACK_WEBHOOK_URL}`. Never logged.
         * @visibility secret
         */
        url: string;
        /** `slack` (`{"text": ...}`) or `json` (the whole notification). Defaults to `json`. */
        format?: 'slack' | 'json';
        /** Only these topics (e.g. `AI Platform: budget forecast`); all when absent. */
        topics?: string[];
      }>;
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
       * Defaults of the `agent` checks of Agents (over their last 7 days of
       * runs), used when the Agent's spec sets no threshold.
       */
      agent?: {
        /** Lowest share of successful runs, percent (spec `slo.runSuccessPercent`). Defaults to 95. */
        runSuccessPercent?: number;
        /** Highest p95 run duration, ms (spec `slo.runP95Ms`). Defaults to 60000. */
        runP95Ms?: number;
        /** Highest average cost per run, USD (spec `budget.perRunUsd`). No check when neither sets it. */
        perRunUsd?: number;
        /** Highest error rate of any one tool, percent. Defaults to 5. */
        toolErrorRatePercent?: number;
        /** Runs (or calls of one tool) needed before a check is judged. Defaults to 20. */
        minRuns?: number;
      };
      /**
       * The level ladder, lowest first. A level is reached when every check
       * of its categories meets the requirement and every lower level is
       * reached. Defaults to bronze (budget, no-fail), silver (budget + slo,
       * no-fail), gold (budget + slo + eval, pass).
       */
      levels?: Array<{
        name: string;
        /** Check categories: `slo`, `budget`, `eval`, `efficiency`, `agent`. */
        categories: Array<'slo' | 'budget' | 'eval' | 'efficiency' | 'agent'>;
        /** `no-fail`: pass, warn or not-enough-data; `pass`: pass only. */
        requirement: 'no-fail' | 'pass';
      }>;
      /**
       * Thresholds of the `efficiency` checks of self-hosted ModelEndpoints,
       * read from the cluster's Prometheus (GPU utilisation from the DCGM
       * exporter, KV cache and queue from vLLM). Both checks only warn.
       */
      efficiency?: {
        /**
         * `gpu-idle` warns when the mean GPU utilisation over the last 7
         * days is below this percent (0-100). Defaults to 20.
         */
        gpuIdleBelowPercent?: number;
        /**
         * `saturation` warns when the vLLM KV-cache usage over the last
         * hour is above this percent (0-100). Defaults to 90.
         */
        kvCacheAbovePercent?: number;
        /**
         * `saturation` warns when the mean number of requests waiting in
         * vLLM's queue over the last hour is above this. Defaults to 5.
         */
        waitingRequestsAbove?: number;
      };
    };
  };
}

/**
 * One GPU reading's series: a metric name (or a list tried in order, the
 * first with series winning per workload), or an object.
 */
type PrometheusGpuSeries =
  | string
  | string[]
  | {
      /** Metric name, or names tried in order (joined with `or`). */
      metric?: string | string[];
      /** Extra label matchers, e.g. `resource="nvidia_com_gpu"`. */
      matchers?: string;
      /** The namespace label of this metric; defaults to `gpu.namespaceLabel`. */
      namespaceLabel?: string;
      /**
       * The pod label of this metric, e.g. `exported_pod` for a DCGM
       * exporter scraped without `honorLabels`; defaults to `gpu.podLabel`.
       */
      podLabel?: string;
      /** Multiplies every value, e.g. 100 for a 0–1 fraction read as percent. */
      scale?: number;
    };

/** `aiPlatform.telemetry.prometheus.gpu` (and per cluster). */
type PrometheusGpuSettings = {
  /**
   * Subquery step in seconds of every GPU reading: GPU-hours are the
   * allocation sampled every step × step / 3600, utilisation the mean of
   * the samples taken every step. Defaults to 300 (a month is 8,928 points
   * per series); lengthened so no series has more than 11,000 points.
   */
  stepSeconds?: number;
  /** Label holding the Kubernetes namespace. Defaults to `namespace`. */
  namespaceLabel?: string;
  /** Label holding the pod name. Defaults to `pod`. */
  podLabel?: string;
  /**
   * Regular expression (RE2, fully anchored) whose first group is the
   * workload (Deployment) name of a pod name. Defaults to
   * `(.+)-[a-z0-9]+-[a-z0-9]+` (`<deployment>-<replicaset hash>-<pod hash>`).
   */
  workloadFromPod?: string;
  /**
   * GPUs held. Defaults to kube-state-metrics
   * `kube_pod_container_resource_requests` with `resource="nvidia_com_gpu"`
   * (GPUs requested by each container). Alternative: `{ metric:
   * kube_deployment_status_replicas_available, matchers: '',
   * workloadLabel: deployment, perReplica: true }` (available replicas ×
   * the GPU profile's `gpusPerReplica`).
   */
  allocation?:
    | string
    | string[]
    | {
        metric?: string | string[];
        /** Extra label matchers; an empty string removes the default's. */
        matchers?: string;
        namespaceLabel?: string;
        podLabel?: string;
        scale?: number;
        /** A label holding the workload name itself, e.g. `deployment`. */
        workloadLabel?: string;
        /** The metric counts replicas: multiplied by GPUs per replica. */
        perReplica?: boolean;
      };
  /** GPU utilisation, 0–100. Defaults to the DCGM exporter's `DCGM_FI_DEV_GPU_UTIL`. */
  utilisation?: PrometheusGpuSeries;
  /**
   * KV-cache usage, read as percent. Defaults to vLLM's
   * `vllm:kv_cache_usage_perc`, then the older `vllm:gpu_cache_usage_perc`
   * (0–1 fractions, `scale: 100`).
   */
  kvCache?: PrometheusGpuSeries;
  /** Requests waiting. Defaults to `vllm:num_requests_waiting`. */
  waiting?: PrometheusGpuSeries;
  /** Requests running. Defaults to `vllm:num_requests_running`. */
  running?: PrometheusGpuSeries;
};
