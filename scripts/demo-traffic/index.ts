/**
 * DEMO DATA traffic driver for the AI platform portal.
 *
 *   node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs \
 *     scripts/demo-traffic/index.ts [--backend http://localhost:7007] [--requests N]
 *
 * Sends demo traffic through the real ingest path of ai-platform-backend:
 * the real `openai` client, instrumented by @opentelemetry/instrumentation-openai,
 * calls a local OpenAI-compatible server inside agent runs (`invoke_agent`
 * spans with `execute_tool` spans of their MCP tools). Every call is
 * exported as OTLP traces; calls made "through the gateway" are also
 * reported as LiteLLM StandardLoggingPayloads (same response id, the
 * caller's trace id, the measured first-chunk time), and the backend counts
 * each such call once. Then it uploads promptfoo-shaped eval results and
 * asks for a scorecard evaluation.
 * Only 127.0.0.1 is contacted besides the backend URL given.
 */
import {
  context,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  ReadableSpan,
  Span as SdkSpan,
  SpanExporter,
  SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { Context } from '@opentelemetry/api';
import {
  AGENT_ENTITY_NAMES,
  AgentInvocation,
  DEMO_AGENT_TOOLS,
  DEMO_EVAL_SUITES,
  MODEL_PROFILES,
  ModelProfile,
  planAgentInvocations,
} from './demoProfiles';
import { startDemoModelServer } from './demoModelServer';
import { DemoToolCaller } from './demoToolCalls';
import { GatewayMetrics } from './gatewayMetrics';

const BANNER = '[demo-traffic] DEMO DATA';
const MAX_TOTAL_REQUESTS = 600;
const TRAFFIC_DEADLINE_MS = 45_000;
const READINESS_TIMEOUT_MS = 120_000;
const CONCURRENCY = 12;
const LITELLM_BATCH_SIZE = 100;
/**
 * Share of agent turns made directly with the SDK (OTLP spans only); the
 * rest go through the gateway (spans and LiteLLM payloads, counted once).
 */
const DIRECT_SDK_TURNS_OUT_OF_10 = 2;

const log = (message: string) => console.log(`${BANNER} ${message}`);

interface DriverOptions {
  backendUrl: string;
  callsPerAlias: number;
  ingestToken: string;
}

function parseArgs(argv: string[]): DriverOptions {
  let backendUrl = 'http://localhost:7007';
  let callsPerAlias = 50;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--backend' && value) {
      backendUrl = value.replace(/\/+$/, '');
      i++;
    } else if (arg === '--requests' && value) {
      callsPerAlias = Number(value);
      if (!Number.isInteger(callsPerAlias) || callsPerAlias < 1) {
        throw new Error(
          `--requests must be a positive whole number of calls per model alias, got '${value}'`,
        );
      }
      i++;
    } else {
      throw new Error(
        `unknown argument '${arg}'; usage: index.ts [--backend http://localhost:7007] [--requests N (calls per model alias)]`,
      );
    }
  }
  const maxPerAlias = Math.floor(MAX_TOTAL_REQUESTS / MODEL_PROFILES.length);
  if (callsPerAlias > maxPerAlias) {
    log(
      `--requests ${callsPerAlias} capped at ${maxPerAlias} per alias (at most ${MAX_TOTAL_REQUESTS} requests in total)`,
    );
    callsPerAlias = maxPerAlias;
  }
  return {
    backendUrl,
    callsPerAlias,
    ingestToken:
      process.env.AI_PLATFORM_INGEST_TOKEN || 'dev-ai-platform-ingest-token',
  };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function waitForReadiness(backendUrl: string) {
  const deadline = Date.now() + READINESS_TIMEOUT_MS;
  let lastProblem = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${backendUrl}/.backstage/health/v1/readiness`);
      if (res.ok) return;
      lastProblem = `HTTP ${res.status}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await sleep(2000);
  }
  throw new Error(
    `the backend at ${backendUrl} was not ready within ${
      READINESS_TIMEOUT_MS / 1000
    } s (${lastProblem}); start it with ./scripts/portal start`,
  );
}

/**
 * Exports whole traces: spans wait until their root span (the agent turn)
 * has ended, so a model call and its invoke_agent parent always share a
 * batch (the backend lends the agent to calls below it within one batch).
 * Traces of turns that went through the gateway are exported too: the
 * backend matches the span and the gateway's payload of a call (response
 * id, else trace) and counts it once.
 */
class AgentTurnSpanProcessor implements SpanProcessor {
  private readonly open = new Map<string, ReadableSpan[]>();
  private ready: ReadableSpan[] = [];
  private readonly exports: Promise<void>[] = [];
  exportedSpans = 0;
  failedExports = 0;

  constructor(private readonly exporter: SpanExporter) {}

  onStart(_span: SdkSpan, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    const spans = this.open.get(traceId) ?? [];
    spans.push(span);
    if (span.parentSpanContext) {
      this.open.set(traceId, spans);
      return;
    }
    this.open.delete(traceId);
    this.ready.push(...spans);
    if (this.ready.length >= 200) this.exportReady();
  }

  private exportReady() {
    const batch = this.ready;
    this.ready = [];
    if (batch.length === 0) return;
    this.exports.push(
      new Promise<void>(resolve =>
        this.exporter.export(batch, result => {
          if (result.code === 0) this.exportedSpans += batch.length;
          else {
            this.failedExports++;
            log(
              `OTLP export of ${batch.length} spans failed: ${
                result.error?.message ?? 'unknown error'
              }`,
            );
          }
          resolve();
        }),
      ),
    );
  }

  async forceFlush(): Promise<void> {
    this.exportReady();
    await Promise.all(this.exports);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    await this.exporter.shutdown();
  }
}

interface CallRecord {
  alias: string;
  agentId: string;
  route: 'otlp' | 'gateway';
  streamed: boolean;
  ok: boolean;
}

interface LiteLlmIngestTotals {
  accepted: number;
  duplicates: number;
  /** Payloads counted with the span of the same call, stored before. */
  merged: number;
  rejected: number;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const ingestBase = `${options.backendUrl}/api/ai-platform`;
  const runTag = `${Date.now().toString(36)}-${process.pid}`;
  log(
    `backend ${options.backendUrl}; ${options.callsPerAlias} calls per model alias; run ${runTag}`,
  );
  log('waiting for the backend readiness endpoint…');
  await waitForReadiness(options.backendUrl);

  // --- OpenTelemetry: the instrumented client side -------------------------
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const otlpExporter = new OTLPTraceExporter({
    url: `${ingestBase}/v1/traces`,
    headers: { Authorization: `Bearer ${options.ingestToken}` },
  });
  const spanProcessor = new AgentTurnSpanProcessor(otlpExporter);
  const tracerProvider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'demo-traffic-agents',
      'deployment.environment.name': 'demo',
    }),
    spanProcessors: [spanProcessor],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  registerInstrumentations({
    tracerProvider,
    instrumentations: [new OpenAIInstrumentation()],
  });
  // Loaded with require() after the instrumentation is registered, so the
  // CommonJS hook patches it (a dynamic import() would load the ESM build,
  // which the require hook does not see).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: OpenAI } = require('openai') as typeof import('openai');
  const tracer = tracerProvider.getTracer('demo-traffic-agents');

  const modelServer = await startDemoModelServer(MODEL_PROFILES);
  log(`local OpenAI-compatible demo model server at ${modelServer.baseUrl}`);
  const client = new OpenAI({
    baseURL: modelServer.baseUrl,
    apiKey: 'demo-key-not-a-secret',
    maxRetries: 0,
    timeout: 20_000,
  });
  const profileByAlias = new Map(MODEL_PROFILES.map(p => [p.alias, p]));
  // The gateway's own OTLP GenAI histograms (TTFT, request duration).
  const gatewayMetrics = new GatewayMetrics({
    ingestBase,
    ingestToken: options.ingestToken,
  });

  // --- traffic ----------------------------------------------------------------
  const plan = planAgentInvocations(options.callsPerAlias);
  const calls: CallRecord[] = [];
  const liteLlmPayloads: object[] = [];
  let callSeq = 0;
  const startedAtMs = Date.now();

  const callModel = async (
    profile: ModelProfile,
    agentId: string,
    route: 'otlp' | 'gateway',
    traceId: string,
  ) => {
    const seq = callSeq++;
    const streamed = profile.operation === 'chat' && seq % 10 !== 0;
    const start = Date.now();
    let firstChunkAt: number | undefined;
    /** The provider's response id: the span's gen_ai.response.id. */
    let responseId: string | undefined;
    let inputTokens = 0;
    let outputTokens = 0;
    let errorClass: string | undefined;
    let errorMessage: string | undefined;
    let statusCode: number | undefined;
    try {
      if (profile.operation === 'embeddings') {
        const result = await client.embeddings.create({
          model: profile.alias,
          input: [`ticket ${seq}: customer cannot download the invoice`],
        });
        inputTokens = result.usage.prompt_tokens;
      } else if (streamed) {
        const stream = await client.chat.completions.create({
          model: profile.alias,
          messages: [
            { role: 'system', content: `You are the ${agentId} agent.` },
            {
              role: 'user',
              content: `Demo request ${seq}: handle ticket #${1000 + seq}.`,
            },
          ],
          max_tokens: 120,
          stream: true,
          stream_options: { include_usage: true },
        });
        for await (const chunk of stream) {
          responseId = chunk.id || responseId;
          if (firstChunkAt === undefined && chunk.choices[0]?.delta?.content) {
            firstChunkAt = Date.now();
          }
          if (chunk.usage) {
            inputTokens = chunk.usage.prompt_tokens;
            outputTokens = chunk.usage.completion_tokens;
          }
        }
      } else {
        const result = await client.chat.completions.create({
          model: profile.alias,
          messages: [
            {
              role: 'user',
              content: `Demo request ${seq}: summarize ticket #${1000 + seq}.`,
            },
          ],
          max_tokens: 120,
        });
        responseId = result.id;
        inputTokens = result.usage?.prompt_tokens ?? 0;
        outputTokens = result.usage?.completion_tokens ?? 0;
      }
    } catch (error) {
      const apiError = error as {
        status?: number;
        constructor: { name: string };
        message: string;
      };
      statusCode = apiError.status;
      errorClass =
        apiError.status === 429
          ? 'RateLimitError'
          : apiError.status && apiError.status >= 500
          ? 'InternalServerError'
          : apiError.constructor.name;
      errorMessage = apiError.message;
    }
    const end = Date.now();
    const ok = errorClass === undefined;
    calls.push({ alias: profile.alias, agentId, route, streamed, ok });
    if (route !== 'gateway') return ok;
    gatewayMetrics.record({
      alias: profile.alias,
      responseModel: profile.litellmModelName,
      provider: profile.provider,
      operation: profile.operation === 'embeddings' ? 'embeddings' : 'chat',
      streamed,
      durationSeconds: (end - start) / 1000,
      timeToFirstTokenSeconds:
        streamed && ok && firstChunkAt
          ? (firstChunkAt - start) / 1000
          : undefined,
      errorType: ok ? undefined : String(statusCode ?? errorClass),
    });
    const cost = ok
      ? (inputTokens * profile.inputPerMillionTokensUsd +
          outputTokens * profile.outputPerMillionTokensUsd) /
        1e6
      : 0;
    // What LiteLLM's generic_api callback posts for this call: `id` is the
    // response id it returned to the client (its own call id when there was
    // none: errors, embeddings), `trace_id` the caller's OTel trace (the app
    // passes it as `litellm_trace_id`).
    liteLlmPayloads.push({
      id: responseId ?? `demo-traffic-${runTag}-${seq}`,
      trace_id: traceId,
      call_type:
        profile.operation === 'embeddings' ? 'aembedding' : 'acompletion',
      stream: streamed,
      status: ok ? 'success' : 'failure',
      model: profile.litellmModelName,
      model_group: profile.alias,
      custom_llm_provider: profile.provider,
      api_base: modelServer.baseUrl,
      prompt_tokens: inputTokens,
      completion_tokens: outputTokens,
      total_tokens: inputTokens + outputTokens,
      response_cost: Number(cost.toFixed(8)),
      startTime: start / 1000,
      // LiteLLM sets completionStartTime = endTime when it saw no first chunk
      completionStartTime:
        (streamed && ok && firstChunkAt ? firstChunkAt : end) / 1000,
      endTime: end / 1000,
      request_tags: ['demo-traffic', `agent:${agentId}`],
      metadata: {
        user_api_key_alias: `${agentId}-demo-key`,
        user_api_key_team_alias: 'demo',
        spend_logs_metadata: { agent_id: agentId, demo_data: true },
      },
      hidden_params: { litellm_model_name: profile.litellmModelName },
      ...(ok
        ? {}
        : {
            error_str: errorMessage,
            error_information: {
              error_code: String(statusCode ?? ''),
              error_class: errorClass,
              llm_provider: profile.provider,
              error_message: errorMessage,
            },
          }),
    });
    return ok;
  };

  const toolCaller = new DemoToolCaller(tracer, runTag);
  const turnsByAgent = new Map<string, number>();
  const runTurn = async (turn: AgentInvocation) => {
    // every agent makes 2 of 10 turns directly with the SDK, the rest via the gateway
    const agentTurn = turnsByAgent.get(turn.agentId) ?? 0;
    turnsByAgent.set(turn.agentId, agentTurn + 1);
    const route =
      agentTurn % 10 < DIRECT_SDK_TURNS_OUT_OF_10 ? 'otlp' : 'gateway';
    const agentSpan: Span = tracer.startSpan(`invoke_agent ${turn.agentId}`, {
      kind: SpanKind.INTERNAL,
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.id': turn.agentId,
        'gen_ai.agent.name': turn.agentId,
        'demo.data': true,
      },
    });
    const traceId = agentSpan.spanContext().traceId;
    const tools = DEMO_AGENT_TOOLS[turn.agentId] ?? { before: [], after: [] };
    let failedCalls = 0;
    const failedTools = await context.with(
      trace.setSpan(context.active(), agentSpan),
      async () => {
        const failed = await toolCaller.callAll(tools.before);
        for (const alias of turn.aliases) {
          const ok = await callModel(
            profileByAlias.get(alias)!,
            turn.agentId,
            route,
            traceId,
          );
          if (!ok) failedCalls++;
        }
        return [...failed, ...(await toolCaller.callAll(tools.after))];
      },
    );
    // A run fails when a model call or a tool call of it failed.
    if (failedCalls > 0 || failedTools.length > 0) {
      const errorType =
        failedCalls > 0 ? 'ModelCallFailed' : failedTools[0].errorType!;
      agentSpan.setAttribute('error.type', errorType);
      agentSpan.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
    }
    agentSpan.end();
  };

  let next = 0;
  let skippedTurns = 0;
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (next < plan.length) {
      const index = next++;
      if (Date.now() - startedAtMs > TRAFFIC_DEADLINE_MS) {
        skippedTurns++;
        continue;
      }
      await runTurn(plan[index]);
    }
  });
  await Promise.all(workers);
  await modelServer.close();
  log(
    `${calls.length} model calls in ${(
      (Date.now() - startedAtMs) /
      1000
    ).toFixed(1)} s` +
      (skippedTurns
        ? ` (${skippedTurns} agent turns skipped at the ${
            TRAFFIC_DEADLINE_MS / 1000
          } s deadline)`
        : ''),
  );

  // --- client side: OTLP traces -------------------------------------------------
  await tracerProvider.forceFlush();
  log(
    `OTLP: ${spanProcessor.exportedSpans} spans exported to ${ingestBase}/v1/traces (${spanProcessor.failedExports} failed exports)`,
  );

  // --- gateway side: LiteLLM payloads ----------------------------------------
  const liteLlm: LiteLlmIngestTotals = {
    accepted: 0,
    duplicates: 0,
    merged: 0,
    rejected: 0,
  };
  for (let i = 0; i < liteLlmPayloads.length; i += LITELLM_BATCH_SIZE) {
    const batch = liteLlmPayloads.slice(i, i + LITELLM_BATCH_SIZE);
    const res = await fetch(`${ingestBase}/ingest/litellm`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${options.ingestToken}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(batch),
    });
    const text = await res.text();
    if (!res.ok) {
      throw new Error(`POST /ingest/litellm answered ${res.status}: ${text}`);
    }
    const body = JSON.parse(text);
    liteLlm.accepted += body.accepted ?? 0;
    liteLlm.duplicates += body.duplicates ?? 0;
    liteLlm.merged += body.merged ?? 0;
    liteLlm.rejected += body.rejected?.length ?? 0;
    for (const rejection of body.rejected ?? []) {
      log(`LiteLLM payload rejected: ${JSON.stringify(rejection)}`);
    }
  }
  log(
    `LiteLLM: ${liteLlmPayloads.length} payloads → accepted ${liteLlm.accepted} (merged with their span ${liteLlm.merged}), duplicates ${liteLlm.duplicates}, rejected ${liteLlm.rejected}`,
  );

  // --- gateway side: OTLP GenAI histograms -------------------------------------
  const metricsExport = await gatewayMetrics.shutdown();
  log(
    `OTLP metrics: ${
      gatewayMetrics.recordedCalls
    } gateway calls in gen_ai.server.time_to_first_token / gen_ai.server.request.duration → ${
      metricsExport.exports
    } export(s) to ${ingestBase}/v1/metrics, ${
      metricsExport.failedExports
    } failed${metricsExport.lastError ? ` (${metricsExport.lastError})` : ''}`,
  );

  // --- evals ---------------------------------------------------------------------
  const evalLines = await uploadEvals(ingestBase, options.ingestToken);

  // --- scorecards ------------------------------------------------------------------
  const scorecardLines = await triggerScorecards(options.backendUrl);

  // --- summary ---------------------------------------------------------------------
  console.log(`\n${BANNER} summary (all of it is demo data)`);
  console.log(
    'alias            calls  errors  streamed    direct  via gateway',
  );
  for (const profile of MODEL_PROFILES) {
    const own = calls.filter(c => c.alias === profile.alias);
    console.log(
      `${profile.alias.padEnd(16)} ${String(own.length).padStart(5)}  ${String(
        own.filter(c => !c.ok).length,
      ).padStart(6)}  ${String(own.filter(c => c.streamed).length).padStart(
        8,
      )}  ${String(own.filter(c => c.route === 'otlp').length).padStart(
        8,
      )}  ${String(own.filter(c => c.route === 'gateway').length).padStart(
        11,
      )}`,
    );
  }
  console.log(`OTLP spans exported: ${spanProcessor.exportedSpans}`);
  const toolCalls = toolCaller.results;
  const failedToolCalls = toolCalls.filter(call => !call.ok);
  console.log(
    `tool calls (execute_tool spans): ${toolCalls.length}, failed ${
      failedToolCalls.length
    } (${[...new Set(failedToolCalls.map(call => call.tool))].join(', ')})`,
  );
  console.log(
    `OTLP gateway histograms: ${gatewayMetrics.recordedCalls} calls, ${metricsExport.exports} export(s), ${metricsExport.failedExports} failed`,
  );
  console.log(
    `LiteLLM ingest: accepted ${liteLlm.accepted}, merged with their span ${liteLlm.merged}, duplicates ${liteLlm.duplicates}, rejected ${liteLlm.rejected}`,
  );
  for (const line of evalLines) console.log(line);
  for (const line of scorecardLines) console.log(line);
  await tracerProvider.shutdown().catch(() => {});
}

/** promptfoo `-o results.json` output for one run with the given score. */
function promptfooResults(
  evalId: string,
  score: number,
  timestamp: Date,
  provider: string,
) {
  const total = 50;
  const passed = Math.round(score * total);
  return {
    evalId,
    results: {
      version: 3,
      timestamp: timestamp.toISOString(),
      results: Array.from({ length: total }, (_, i) => ({
        id: `${evalId}-t${i}`,
        promptIdx: 0,
        testIdx: i,
        provider: { id: provider },
        vars: { case: `demo case ${i}` },
        success: i < passed,
        score: i < passed ? 1 : 0,
        latencyMs: 400 + ((i * 37) % 500),
        gradingResult: {
          pass: i < passed,
          score: i < passed ? 1 : 0,
          reason: 'DEMO DATA',
        },
        namedScores: {},
      })),
      stats: {
        successes: passed,
        failures: total - passed,
        errors: 0,
        tokenUsage: { total: 0, prompt: 0, completion: 0 },
      },
    },
    config: { description: 'DEMO DATA from scripts/demo-traffic' },
    metadata: {
      exportedAt: new Date(timestamp.getTime() + 5 * 60_000).toISOString(),
    },
  };
}

/**
 * Uploads a previous (yesterday 00:00 UTC) and a latest (today 00:00 UTC)
 * run of each demo suite. Run ids are per day, so a re-run the same day
 * answers duplicate and changes nothing.
 */
async function uploadEvals(ingestBase: string, ingestToken: string) {
  const lines: string[] = [];
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  const yesterday = new Date(today.getTime() - 86_400_000);
  for (const suite of DEMO_EVAL_SUITES) {
    const entityRef = `agent:default/${suite.agentEntityName}`;
    for (const [role, score, at] of [
      ['previous', suite.previousScore, yesterday],
      ['latest', suite.latestScore, today],
    ] as const) {
      const day = at.toISOString().slice(0, 10);
      const evalId = `demo-${suite.agentEntityName}-${suite.suite}-${day}-${role}`;
      const query = new URLSearchParams({
        entityRef,
        suite: suite.suite,
        suiteVersion: 'v1',
      });
      const res = await fetch(`${ingestBase}/evals?${query}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${ingestToken}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(
          promptfooResults(
            evalId,
            score,
            at,
            `openai:chat:${suite.agentEntityName}`,
          ),
        ),
      });
      const text = await res.text();
      if (!res.ok) {
        lines.push(
          `eval ${entityRef} ${suite.suite} (${role}): HTTP ${res.status} ${text}`,
        );
        continue;
      }
      const body = JSON.parse(text);
      lines.push(
        `eval ${entityRef} ${suite.suite} ${role} score ${score}: ${
          body.duplicate ? 'duplicate (already uploaded today)' : 'stored'
        }`,
      );
    }
  }
  return lines;
}

/** Asks for an evaluation of each demo entity with a guest user token. */
async function triggerScorecards(backendUrl: string) {
  const lines: string[] = [];
  let token: string | undefined;
  try {
    const res = await fetch(`${backendUrl}/api/auth/guest/refresh`);
    if (!res.ok) throw new Error(`HTTP ${res.status} ${await res.text()}`);
    token = (await res.json()).backstageIdentity?.token;
    if (!token) throw new Error('the answer has no backstageIdentity.token');
  } catch (error) {
    lines.push(
      `scorecards: no guest token (${
        (error as Error).message
      }); the scheduled evaluation will pick the data up`,
    );
    return lines;
  }
  const refs = [
    ...MODEL_PROFILES.map(p => ['modelendpoint', p.endpointName]),
    ...Object.values(AGENT_ENTITY_NAMES).map(name => ['agent', name]),
  ];
  for (const [kind, name] of refs) {
    const res = await fetch(
      `${backendUrl}/api/ai-platform/scorecards/by-entity/${kind}/default/${name}/evaluate`,
      { method: 'POST', headers: { Authorization: `Bearer ${token}` } },
    );
    const text = await res.text();
    if (!res.ok) {
      lines.push(
        `scorecard ${kind}:default/${name}: evaluate answered ${
          res.status
        } ${text.slice(0, 200)}`,
      );
      continue;
    }
    const body = JSON.parse(text);
    const checks = (body.checks ?? [])
      .map(
        (c: any) =>
          `${c.checkId}=${c.status}${
            c.value === null || c.value === undefined
              ? ''
              : `(${round(c.value)})`
          }`,
      )
      .join(' ');
    lines.push(
      `scorecard ${kind}:default/${name}: level ${
        body.level ?? 'none'
      }; ${checks}`,
    );
  }
  return lines;
}

const round = (value: number) => Math.round(value * 100) / 100;

main().then(
  () => process.exit(0),
  error => {
    console.error(`${BANNER} failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
