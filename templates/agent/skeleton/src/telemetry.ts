/*
 * OpenTelemetry for ${{ values.name }}: GenAI spans from the OpenAI client
 * (@opentelemetry/instrumentation-openai), exported over OTLP/HTTP to the AI
 * Platform portal, which joins them to the Agent entity on gen_ai.agent.name.
 *
 * Import this module before anything that loads `openai`, so the
 * instrumentation can patch it.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  type Span,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

/** The agent id the portal's Agent entity declares in spec.gateway.agentId. */
export const AGENT_ID = '${{ values.agentId }}';

const portalUrl = (
  process.env.AI_PLATFORM_PORTAL_URL ?? '${{ values.portalUrl }}'
).replace(/\/+$/, '');

/** Where spans go: the portal's OTLP/HTTP traces endpoint unless overridden. */
export const TRACES_ENDPOINT =
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
  `${portalUrl}/api/ai-platform/v1/traces`;

/** Stamps the agent id on every span, so each model call is attributed to this agent. */
class AgentIdentitySpanProcessor implements SpanProcessor {
  onStart(span: Span): void {
    span.setAttribute('gen_ai.agent.name', AGENT_ID);
    span.setAttribute('gen_ai.agent.id', AGENT_ID);
  }
  onEnd(): void {}
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

// The ingest token is read from the environment; it is never written into this repository.
const ingestToken = process.env.AI_PLATFORM_INGEST_TOKEN;
const exporter = new OTLPTraceExporter({
  url: TRACES_ENDPOINT,
  headers: ingestToken ? { Authorization: `Bearer ${ingestToken}` } : {},
});

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

/** The tracer provider; call `shutdown()` before the process exits to flush spans. */
export const tracerProvider = new TracerProvider({
  resource: resourceFromAttributes({
    'service.name': '${{ values.name }}',
    'gen_ai.agent.name': AGENT_ID,
  }),
  spanProcessors: [
    new AgentIdentitySpanProcessor(),
    new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1000 }),
  ],
});
trace.setGlobalTracerProvider(tracerProvider);

registerInstrumentations({
  tracerProvider,
  instrumentations: [
    // Prompts and completions stay out of telemetry unless
    // OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true is set.
    new OpenAIInstrumentation(),
  ],
});

/** The tracer for this agent's own spans (one `invoke_agent` span per request). */
export const tracer = tracerProvider.getTracer('${{ values.name }}');
