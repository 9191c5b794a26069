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
