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
  };
}
