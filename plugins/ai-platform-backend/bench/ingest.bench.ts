/*
 * `yarn bench ingest`: OTLP/HTTP JSON trace batches of 1,000 GenAI chat spans each, POSTed
 * over real HTTP to POST /api/ai-platform/v1/traces of the real plugin (decode, map, resolve
 * against the catalog, insert events + hourly rollups + sketches in one transaction), into a
 * SQLite file and into PostgreSQL 15. Baseline in the same run and database: the naive path,
 * one DatabaseTelemetryStore.insertEvents call (one transaction) per event, no HTTP.
 * Beside the chat-only batches, the realistic mix: the same number of spans as agent runs
 * (invoke_agent + step + 2 chats + execute_tool each), stored as events and agent runs / tool
 * calls; target: within 20 % of the chat-only spans/s on each database.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
// The `yarn bench` harness types live in scripts/bench, which is not a package.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import type { BenchCase, BenchTarget } from '../../../scripts/bench/types';
import { aiPlatformPlugin } from '../src/plugin';
import { DatabaseTelemetryStore } from '../src/database/DatabaseTelemetryStore';
import { TelemetryEvent } from '../src/database/TelemetryStore';

const SPANS_PER_BATCH = 1_000;
const BATCHES = 20;
const BASELINE_EVENTS = 1_000;
const MODEL_ALIASES = 20;
const AGENTS = 10;
const TARGET_SPANS_PER_SECOND = 20_000;
const POSTGRES_URL =
  process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';

const alias = (i: number) => `bench-model-${String(i).padStart(2, '0')}`;
const agentId = (i: number) => `bench-agent-${String(i).padStart(2, '0')}`;

const ENTITIES: Entity[] = [
  ...Array.from({ length: MODEL_ALIASES }, (_, i) => ({
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: alias(i), namespace: 'default' },
    spec: { owner: 'group:default/bench', gateway: { model: alias(i) } },
  })),
  ...Array.from({ length: AGENTS }, (_, i) => ({
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name: agentId(i), namespace: 'default' },
    spec: { owner: 'group:default/bench', gateway: { agentId: agentId(i) } },
  })),
];

/** Deterministic pseudo-random numbers, so both databases get the same load. */
function randomSequence(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface BenchCall {
  traceId: string;
  spanId: string;
  alias: string;
  agentId: string | null;
  startMs: number;
  latencyMs: number;
  ttftMs: number;
  inputTokens: number;
  outputTokens: number;
  failed: boolean;
}

function benchCalls(count: number, seed: number): BenchCall[] {
  const random = randomSequence(seed);
  const nowMs = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const latencyMs = 300 + random() * 3000;
    return {
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      alias: alias(i % MODEL_ALIASES),
      agentId: i % 2 === 0 ? agentId(i % AGENTS) : null,
      startMs: nowMs - Math.floor(random() * 2 * 60 * 60 * 1000),
      latencyMs,
      ttftMs: 50 + random() * 0.2 * latencyMs,
      inputTokens: 100 + Math.floor(random() * 2000),
      outputTokens: 10 + Math.floor(random() * 500),
      failed: random() < 0.02,
    };
  });
}

const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/** One OTLP/HTTP JSON ExportTraceServiceRequest with one span per call. */
function otlpBatch(calls: BenchCall[]): Buffer {
  const stringAttribute = (key: string, value: string) => ({
    key,
    value: { stringValue: value },
  });
  const intAttribute = (key: string, value: number) => ({
    key,
    value: { intValue: String(value) },
  });
  const spans = calls.map(call => ({
    traceId: call.traceId,
    spanId: call.spanId,
    name: `chat ${call.alias}`,
    kind: 3,
    startTimeUnixNano: nanos(call.startMs),
    endTimeUnixNano: nanos(call.startMs + call.latencyMs),
    attributes: [
      stringAttribute('gen_ai.operation.name', 'chat'),
      stringAttribute('gen_ai.provider.name', 'openai'),
      stringAttribute('gen_ai.request.model', call.alias),
      stringAttribute('gen_ai.response.model', `${call.alias}-2026-01-01`),
      { key: 'gen_ai.request.stream', value: { boolValue: true } },
      {
        key: 'gen_ai.response.time_to_first_chunk',
        value: { doubleValue: call.ttftMs / 1000 },
      },
      intAttribute('gen_ai.usage.input_tokens', call.inputTokens),
      intAttribute('gen_ai.usage.output_tokens', call.outputTokens),
      ...(call.agentId
        ? [stringAttribute('gen_ai.agent.id', call.agentId)]
        : []),
      ...(call.failed ? [stringAttribute('error.type', '429')] : []),
    ],
    status: call.failed ? { code: 2, message: 'rate limited' } : { code: 1 },
  }));
  return Buffer.from(
    JSON.stringify({
      resourceSpans: [
        {
          resource: {
            attributes: [stringAttribute('service.name', 'bench-gateway')],
          },
          scopeSpans: [{ scope: { name: 'bench' }, spans }],
        },
      ],
    }),
  );
}

/** Spans of one agent run in the realistic mix: agent, step, 2 chats, tool. */
const SPANS_PER_RUN = 5;

/**
 * An OTLP/HTTP JSON batch of agent runs (the realistic mix): per run an
 * `invoke_agent` span, a step span, two chat spans (one below the step) and
 * an `execute_tool` span, `SPANS_PER_BATCH` spans in all.
 */
function agentMixBatch(seed: number): Buffer {
  const calls = benchCalls((SPANS_PER_BATCH / SPANS_PER_RUN) * 2, seed);
  const attr = (key: string, value: string) => ({
    key,
    value: { stringValue: value },
  });
  const body = JSON.parse(otlpBatch(calls).toString('utf8'));
  const chats = body.resourceSpans[0].scopeSpans[0].spans as Array<
    Record<string, unknown> & { attributes: unknown[] }
  >;
  const spans: unknown[] = [];
  for (let run = 0; run < chats.length / 2; run++) {
    const [first, second] = [chats[2 * run], chats[2 * run + 1]];
    const call = calls[2 * run];
    const traceId = call.traceId;
    const agentSpan = randomBytes(8).toString('hex');
    const stepSpan = randomBytes(8).toString('hex');
    const endMs = call.startMs + call.latencyMs + 2_000;
    const agent = agentId(run % AGENTS);
    spans.push(
      {
        traceId,
        spanId: agentSpan,
        name: `invoke_agent ${agent}`,
        kind: 1,
        startTimeUnixNano: nanos(call.startMs - 10),
        endTimeUnixNano: nanos(endMs),
        attributes: [
          attr('gen_ai.operation.name', 'invoke_agent'),
          attr('gen_ai.agent.id', agent),
        ],
        status: { code: 1 },
      },
      {
        traceId,
        spanId: stepSpan,
        parentSpanId: agentSpan,
        name: 'step',
        kind: 1,
        startTimeUnixNano: nanos(call.startMs - 5),
        endTimeUnixNano: nanos(call.startMs + call.latencyMs),
        attributes: [attr('app.step', 'plan')],
        status: { code: 1 },
      },
      { ...first, traceId, parentSpanId: stepSpan },
      { ...second, traceId, parentSpanId: agentSpan },
      {
        traceId,
        spanId: randomBytes(8).toString('hex'),
        parentSpanId: agentSpan,
        name: 'execute_tool search_orders',
        kind: 1,
        startTimeUnixNano: nanos(call.startMs + call.latencyMs + 10),
        endTimeUnixNano: nanos(call.startMs + call.latencyMs + 300),
        attributes: [
          attr('gen_ai.operation.name', 'execute_tool'),
          attr('gen_ai.tool.name', `tool_${run % 8}`),
          attr('gen_ai.tool.call.id', `call_${run}`),
        ],
        status: { code: 1 },
      },
    );
  }
  body.resourceSpans[0].scopeSpans[0].spans = spans;
  return Buffer.from(JSON.stringify(body));
}

/** The event the naive baseline inserts for a call (already resolved). */
function telemetryEvent(call: BenchCall): TelemetryEvent {
  return {
    source: 'otlp',
    sourceEventId: `${call.traceId}${call.spanId}`,
    occurredAt: new Date(call.startMs),
    entityRef: `modelendpoint:default/${call.alias}`,
    joinKey: call.alias,
    agentJoinKey: call.agentId,
    agentEntityRef: call.agentId ? `agent:default/${call.agentId}` : null,
    operation: 'chat',
    model: `${call.alias}-2026-01-01`,
    provider: 'openai',
    streamed: true,
    status: call.failed ? 'error' : 'ok',
    errorType: call.failed ? '429' : null,
    inputTokens: call.inputTokens,
    outputTokens: call.outputTokens,
    costUsd: 0,
    ttftMs: call.ttftMs,
    latencyMs: call.latencyMs,
  };
}

interface BenchDatabase {
  label: string;
  knex: Knex;
  dispose(): Promise<void>;
}

async function sqliteFile(): Promise<BenchDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-platform-bench-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'ai-platform.sqlite') },
    useNullAsDefault: true,
  });
  return {
    label: 'SQLite (file)',
    knex,
    async dispose() {
      await knex.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgres(): Promise<BenchDatabase> {
  const name = `ai_platform_bench_ingest_${process.pid}`;
  const admin = knexFactory({ client: 'pg', connection: POSTGRES_URL });
  await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
  await admin.raw('CREATE DATABASE ??', [name]);
  const knex = knexFactory({
    client: 'pg',
    connection: `${POSTGRES_URL}/${name}`,
    pool: { min: 0, max: 5 },
  });
  return {
    label: 'PostgreSQL 15',
    knex,
    async dispose() {
      await knex.destroy();
      await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
      await admin.destroy();
    },
  };
}

interface IngestFigures {
  spansPerSecond: number;
  /** The realistic mix (agent runs with steps, chats and tools). */
  agentMixSpansPerSecond: number;
  storedRuns: number;
  storeEventsPerSecond: number;
  baselineEventsPerSecond: number;
  storedEvents: number;
}

async function measureDatabase(
  database: BenchDatabase,
  seed: number,
): Promise<IngestFigures> {
  const { knex } = database;
  const backend = await startTestBackend({
    features: [
      aiPlatformPlugin,
      mockServices.database.factory({ knex }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.rootConfig.factory({ data: {} }),
      catalogServiceMock.factory({ entities: ENTITIES }),
    ],
  });
  try {
    const url = `http://127.0.0.1:${
      (backend.server.address() as AddressInfo).port
    }/api/ai-platform/v1/traces`;
    const post = async (body: Buffer) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: mockCredentials.service.header(),
        },
        body,
      });
      const answer = await response.text();
      if (response.status !== 200 || answer !== '{}') {
        throw new Error(`Ingest answered ${response.status}: ${answer}`);
      }
    };
    // Warm-up: the catalog read, JIT and the first rollup rows.
    await post(otlpBatch(benchCalls(SPANS_PER_BATCH, seed + 1000)));

    const batches = Array.from({ length: BATCHES }, (_, i) =>
      otlpBatch(benchCalls(SPANS_PER_BATCH, seed + i)),
    );
    const start = process.hrtime.bigint();
    for (const body of batches) {
      await post(body);
    }
    const subjectSeconds = Number(process.hrtime.bigint() - start) / 1e9;

    // The realistic mix, the same number of spans, right after.
    const mixBatches = Array.from({ length: BATCHES }, (_, i) =>
      agentMixBatch(seed + 5000 + i),
    );
    const mixStart = process.hrtime.bigint();
    for (const body of mixBatches) {
      await post(body);
    }
    const mixSeconds = Number(process.hrtime.bigint() - mixStart) / 1e9;

    // The store insert path alone: the same batches, already resolved.
    const store = await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
      skipMigrations: true,
    });
    const eventBatches = Array.from({ length: BATCHES }, (_, i) =>
      benchCalls(SPANS_PER_BATCH, seed + 3000 + i).map(telemetryEvent),
    );
    const storeStart = process.hrtime.bigint();
    for (const batch of eventBatches) {
      await store.insertEvents(batch);
    }
    const storeSeconds = Number(process.hrtime.bigint() - storeStart) / 1e9;

    // Baseline: the same kind of events, one insert (transaction) each.
    const events = benchCalls(BASELINE_EVENTS, seed + 2000).map(telemetryEvent);
    const baselineStart = process.hrtime.bigint();
    for (const event of events) {
      await store.insertEvents([event]);
    }
    const baselineSeconds =
      Number(process.hrtime.bigint() - baselineStart) / 1e9;

    const [{ count }] = await knex('ai_platform_events').count({ count: '*' });
    const [{ runs }] = await knex('ai_platform_agent_runs').count({
      runs: '*',
    });
    return {
      spansPerSecond: (BATCHES * SPANS_PER_BATCH) / subjectSeconds,
      agentMixSpansPerSecond: (BATCHES * SPANS_PER_BATCH) / mixSeconds,
      storedRuns: Number(runs),
      storeEventsPerSecond: (BATCHES * SPANS_PER_BATCH) / storeSeconds,
      baselineEventsPerSecond: BASELINE_EVENTS / baselineSeconds,
      storedEvents: Number(count),
    };
  } finally {
    await backend.stop();
  }
}

const benchCase: BenchCase = {
  name: 'ai-platform ingest (OTLP JSON traces)',
  description: `${BATCHES} OTLP/HTTP JSON batches of ${SPANS_PER_BATCH.toLocaleString(
    'en-US',
  )} GenAI spans POSTed to /v1/traces (rollups included) vs one insertEvents transaction per event, on a SQLite file and PostgreSQL 15`,
  async run() {
    const figures: Record<string, number | string> = {};
    const targets: BenchTarget[] = [];
    const ratios: number[] = [];
    let seed = 1;
    for (const open of [sqliteFile, postgres]) {
      const database = await open();
      try {
        const result = await measureDatabase(database, (seed += 10_000));
        const { label } = database;
        figures[`${label}: spans/s via /v1/traces`] = Math.round(
          result.spansPerSecond,
        );
        figures[`${label}: spans/s agent mix via /v1/traces`] = Math.round(
          result.agentMixSpansPerSecond,
        );
        figures[`${label}: agent runs stored`] = result.storedRuns;
        targets.push({
          label: `${label}: agent mix spans/s / chat-only spans/s`,
          value:
            Math.round(
              (result.agentMixSpansPerSecond / result.spansPerSecond) * 100,
            ) / 100,
          op: '>=',
          limit: 0.8,
        });
        figures[`${label}: events/s insertEvents(1,000)`] = Math.round(
          result.storeEventsPerSecond,
        );
        figures[`${label}: events/s one insert each`] = Math.round(
          result.baselineEventsPerSecond,
        );
        figures[`${label}: events stored`] = result.storedEvents;
        targets.push({
          label: `${label}: spans/s via /v1/traces`,
          value: Math.round(result.spansPerSecond),
          op: '>=',
          limit: TARGET_SPANS_PER_SECOND,
        });
        ratios.push(result.baselineEventsPerSecond / result.spansPerSecond);
      } finally {
        await database.dispose();
      }
    }
    figures['ratio SQLite (time per span)'] = ratios[0];
    figures['ratio PostgreSQL (time per span)'] = ratios[1];
    return {
      figures,
      targets,
      ratio: Math.max(...ratios),
      ratioLabel:
        'time per span via /v1/traces batches / one insert per event (worse of the two databases)',
    };
  },
};

export default benchCase;
