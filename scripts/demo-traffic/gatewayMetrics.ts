/**
 * DEMO DATA: the gateway's own metrics for the demo traffic. A gateway such
 * as Envoy AI Gateway reports TTFT and request duration as OpenTelemetry
 * GenAI histograms (`gen_ai.server.time_to_first_token`,
 * `gen_ai.server.request.duration`, seconds) over OTLP/HTTP; this records the
 * demo's gateway-side calls with the real OpenTelemetry metrics SDK and
 * exports them to `POST /api/ai-platform/v1/metrics`.
 */
import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  InstrumentType,
  MeterProvider,
  PeriodicExportingMetricReader,
  PushMetricExporter,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';

/** Bucket boundaries (s) the GenAI semantic conventions advise for TTFT. */
export const TTFT_BUCKET_BOUNDARIES_SECONDS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
  5.0, 7.5, 10.0,
];

/** Bucket boundaries (s) the GenAI semantic conventions advise for request duration. */
export const REQUEST_DURATION_BUCKET_BOUNDARIES_SECONDS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48,
  40.96, 81.92,
];

/**
 * The OpenTelemetry OTLP/HTTP metrics exporter (JSON), counting its exports
 * so the driver can report them.
 */
class CountingOtlpMetricExporter implements PushMetricExporter {
  exports = 0;
  failedExports = 0;
  lastError = '';
  private readonly inner: OTLPMetricExporter;

  constructor(url: string, headers: Record<string, string>) {
    this.inner = new OTLPMetricExporter({
      url,
      headers,
      temporalityPreference: AggregationTemporalityPreference.CUMULATIVE,
    });
  }

  export(
    metrics: ResourceMetrics,
    resultCallback: (result: ExportResult) => void,
  ): void {
    this.inner.export(metrics, result => {
      if (result.code === ExportResultCode.SUCCESS) {
        this.exports++;
      } else {
        this.failedExports++;
        this.lastError = result.error?.message ?? 'export failed';
      }
      resultCallback(result);
    });
  }

  selectAggregationTemporality(
    instrumentType: InstrumentType,
  ): AggregationTemporality {
    return this.inner.selectAggregationTemporality(instrumentType);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/** One gateway-side call, as the gateway saw it. */
export interface GatewayCall {
  alias: string;
  responseModel: string;
  provider: string;
  operation: 'chat' | 'embeddings';
  streamed: boolean;
  durationSeconds: number;
  /** Only for streamed calls whose first content chunk arrived. */
  timeToFirstTokenSeconds?: number;
  errorType?: string;
}

/**
 * Records gateway calls into the two GenAI server histograms and exports
 * them to the ingest endpoint. Call {@link GatewayMetrics.shutdown} to flush.
 */
export class GatewayMetrics {
  private readonly exporter: CountingOtlpMetricExporter;
  private readonly meterProvider: MeterProvider;
  private readonly ttft;
  private readonly duration;
  recordedCalls = 0;

  constructor(options: { ingestBase: string; ingestToken: string }) {
    this.exporter = new CountingOtlpMetricExporter(
      `${options.ingestBase}/v1/metrics`,
      { Authorization: `Bearer ${options.ingestToken}` },
    );
    this.meterProvider = new MeterProvider({
      resource: resourceFromAttributes({
        'service.name': 'demo-traffic-gateway',
        'deployment.environment.name': 'demo',
        'demo.data': true,
      }),
      views: [
        {
          instrumentName: 'gen_ai.server.time_to_first_token',
          aggregation: {
            type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM,
            options: { boundaries: TTFT_BUCKET_BOUNDARIES_SECONDS },
          },
        },
        {
          instrumentName: 'gen_ai.server.request.duration',
          aggregation: {
            type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM,
            options: { boundaries: REQUEST_DURATION_BUCKET_BOUNDARIES_SECONDS },
          },
        },
      ],
      readers: [
        new PeriodicExportingMetricReader({
          exporter: this.exporter,
          exportIntervalMillis: 60_000,
        }),
      ],
    });
    const meter = this.meterProvider.getMeter('demo-traffic-gateway');
    this.ttft = meter.createHistogram('gen_ai.server.time_to_first_token', {
      unit: 's',
      description: 'DEMO DATA: time to the first token of streamed calls',
    });
    this.duration = meter.createHistogram('gen_ai.server.request.duration', {
      unit: 's',
      description: 'DEMO DATA: gateway request duration',
    });
  }

  record(call: GatewayCall) {
    const attributes = {
      'gen_ai.operation.name': call.operation,
      'gen_ai.request.model': call.alias,
      'gen_ai.response.model': call.responseModel,
      'gen_ai.provider.name': call.provider,
      ...(call.errorType ? { 'error.type': call.errorType } : {}),
    };
    this.duration.record(call.durationSeconds, attributes);
    if (
      call.streamed &&
      !call.errorType &&
      call.timeToFirstTokenSeconds !== undefined
    ) {
      this.ttft.record(call.timeToFirstTokenSeconds, attributes);
    }
    this.recordedCalls++;
  }

  /** Exports what was recorded and stops; returns the export counts. */
  async shutdown(): Promise<{
    exports: number;
    failedExports: number;
    lastError: string;
  }> {
    await this.meterProvider.forceFlush();
    await this.meterProvider.shutdown();
    return {
      exports: this.exporter.exports,
      failedExports: this.exporter.failedExports,
      lastError: this.exporter.lastError,
    };
  }
}
