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
  };
}
