/*
 * `yarn bench catalog`: pushes 5,000 ModelEndpoint + 5,000 Agent entities through the real
 * catalog processing engine (catalog backend + this module, SQLite in memory) and compares the
 * wall time until every entity is processed and stitched with 10,000 plain Components pushed
 * through the same setup in the same run. Also times the processor alone on the same entities.
 */
import {
  createBackendModule,
  coreServices,
} from '@backstage/backend-plugin-api';
import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  CatalogService,
  EntityProviderConnection,
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import {
  AUTONOMY_LEVELS,
  DATA_CLASSIFICATIONS,
} from '@ai-platform/plugin-ai-platform-common';
import { execFile } from 'child_process';
import knexFactory, { Knex } from 'knex';
// The `yarn bench` harness types live in scripts/bench, which is not a package.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import type { BenchCase } from '../../../scripts/bench/types';
import { AiPlatformEntitiesProcessor } from '../src/processor';
import { catalogModuleAiPlatformEntityModel } from '../src/module';

const ENTITY_COUNT = 10_000;
const GROUP_COUNT = 20;
const SYSTEM_COUNT = 20;
const TOOL_API_COUNT = 40;
const CLUSTER_COUNT = 4;
/** Upper bound for one engine run (fixtures + 10,000 entities) to be processed and stitched. */
const ENGINE_RUN_TIMEOUT_MS = 4 * 60_000;
const POLL_INTERVAL_MS = 100;

const LOCATION = 'url:https://example.com/bench/catalog-info.yaml';
const location = {
  type: 'url',
  target: 'https://example.com/bench/catalog-info.yaml',
};

const pad = (n: number, width = 4) => String(n).padStart(width, '0');

function managed(entity: Entity): Entity {
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: {
        'backstage.io/managed-by-location': LOCATION,
        'backstage.io/managed-by-origin-location': LOCATION,
      },
    },
  };
}

/** Groups, systems, tool APIs and clusters that both runs reference. */
function fixtureEntities(): Entity[] {
  const entities: Entity[] = [];
  for (let i = 0; i < GROUP_COUNT; i++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `team-${pad(i, 2)}` },
      spec: { type: 'team', children: [] },
    });
  }
  for (let i = 0; i < SYSTEM_COUNT; i++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: `system-${pad(i, 2)}` },
      spec: { owner: `team-${pad(i % GROUP_COUNT, 2)}` },
    });
  }
  for (let i = 0; i < TOOL_API_COUNT; i++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'API',
      metadata: { name: `tool-mcp-${pad(i, 2)}` },
      spec: {
        type: 'mcp',
        lifecycle: 'production',
        owner: `team-${pad(i % GROUP_COUNT, 2)}`,
        system: `system-${pad(i % SYSTEM_COUNT, 2)}`,
        definition: 'tools: []',
      },
    });
  }
  for (let i = 0; i < CLUSTER_COUNT; i++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: `gpu-cluster-${i}` },
      spec: { type: 'kubernetes-cluster', owner: 'team-00' },
    });
  }
  return entities.map(managed);
}

/** 10,000 plain Components with an owner and a system. */
function componentEntities(): Entity[] {
  return Array.from({ length: ENTITY_COUNT }, (_, i) =>
    managed({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `component-${pad(i)}`,
        description: 'A plain service component for the baseline run.',
        tags: ['bench', 'service'],
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: `team-${pad(i % GROUP_COUNT, 2)}`,
        system: `system-${pad(i % SYSTEM_COUNT, 2)}`,
      },
    }),
  );
}

/** 5,000 ModelEndpoints (half self-hosted, half managed) and 5,000 Agents using 1–2 of them and 1 tool. */
function aiPlatformEntities(): Entity[] {
  const endpointCount = ENTITY_COUNT / 2;
  const agentCount = ENTITY_COUNT - endpointCount;
  const endpoints: Entity[] = Array.from({ length: endpointCount }, (_, i) => {
    const selfHosted = i % 2 === 0;
    return managed({
      apiVersion: 'aiplatform.io/v1alpha1',
      kind: 'ModelEndpoint',
      metadata: {
        name: `model-endpoint-${pad(i)}`,
        title: `Model endpoint ${i}`,
        description: 'A benchmark model endpoint.',
        tags: selfHosted ? ['vllm', 'h100'] : ['managed'],
      },
      spec: {
        type: i % 10 === 9 ? 'embedding' : 'chat',
        lifecycle: 'production',
        owner: `team-${pad(i % GROUP_COUNT, 2)}`,
        system: `system-${pad(i % SYSTEM_COUNT, 2)}`,
        model: selfHosted
          ? {
              name: 'meta-llama/Llama-3.1-8B-Instruct',
              version: '0e9e39f249a16976918f6564b8830bc894c89659',
              parametersBillions: 8,
              license: 'llama3.1',
            }
          : { name: 'gpt-4o' },
        serving: selfHosted
          ? {
              mode: 'self-hosted',
              runtime: 'vllm',
              cluster: `gpu-cluster-${i % CLUSTER_COUNT}`,
              namespace: 'llm-shared',
              gpuProfile: 'h100-80gb',
              replicas: { min: 1, max: 4 },
            }
          : { mode: 'managed', provider: i % 4 === 1 ? 'openai' : 'anthropic' },
        gateway: { model: `bench-model-${i}` },
        slo: { ttftP95Ms: 400, errorRatePercent: 1 },
        budget: { monthlyUsd: 9000 },
        pricing: selfHosted
          ? { gpuHourUsd: 3.2 }
          : { inputPerMillionTokensUsd: 2.5, outputPerMillionTokensUsd: 10 },
        dataClassification:
          DATA_CLASSIFICATIONS[i % DATA_CLASSIFICATIONS.length],
      },
    });
  });
  const agents: Entity[] = Array.from({ length: agentCount }, (_, i) => {
    const models = [`model-endpoint-${pad(i % endpointCount)}`];
    if (i % 2 === 0) {
      models.push(`model-endpoint-${pad((i * 7 + 3) % endpointCount)}`);
    }
    return managed({
      apiVersion: 'aiplatform.io/v1alpha1',
      kind: 'Agent',
      metadata: {
        name: `agent-${pad(i)}`,
        title: `Agent ${i}`,
        description: 'A benchmark agent.',
      },
      spec: {
        type: i % 3 === 0 ? 'workflow-agent' : 'assistant',
        lifecycle: 'production',
        owner: `team-${pad(i % GROUP_COUNT, 2)}`,
        system: `system-${pad(i % SYSTEM_COUNT, 2)}`,
        audience: i % 2 === 0 ? 'product' : 'internal-tool',
        autonomyLevel: AUTONOMY_LEVELS[i % AUTONOMY_LEVELS.length],
        humanInTheLoop: true,
        riskTier: 'limited',
        models,
        tools: [`tool-mcp-${pad(i % TOOL_API_COUNT, 2)}`],
        gateway: { agentId: `bench-agent-${i}` },
        evals: [{ suite: 'routing-accuracy', minScore: 0.9 }],
        slo: { ttftP95Ms: 1500, errorRatePercent: 1 },
        budget: { monthlyUsd: 4000 },
        dataClassification:
          DATA_CLASSIFICATIONS[(i + 1) % DATA_CLASSIFICATIONS.length],
      },
    });
  });
  return [...endpoints, ...agents];
}

interface EngineRun {
  wallMs: number;
  finalEntities: number;
  processingErrors: number;
  policyWarnings: number;
  catalog: CatalogService;
  auth: AuthService;
  stop(): Promise<void>;
}

/**
 * Starts a fresh catalog backend on its own in-memory SQLite database, applies the fixtures
 * plus `entities` as one full mutation and waits until every entity is processed (a result
 * hash in `refresh_state`) and stitched (a row in `final_entities`, empty `stitch_queue`).
 */
async function runThroughEngine(
  entities: Entity[],
  label: string,
): Promise<EngineRun> {
  const knex: Knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  let connection: EntityProviderConnection | undefined;
  let services: { catalog: CatalogService; auth: AuthService } | undefined;
  const benchEntityProvider = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'bench-entities',
    register(reg) {
      reg.registerInit({
        deps: {
          catalogProcessing: catalogProcessingExtensionPoint,
          catalog: catalogServiceRef,
          auth: coreServices.auth,
        },
        async init({ catalogProcessing, catalog, auth }) {
          services = { catalog, auth };
          catalogProcessing.addEntityProvider({
            getProviderName: () => 'bench-entities',
            connect: async c => {
              connection = c;
            },
          });
        },
      });
    },
  });

  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleAiPlatformEntityModel,
      benchEntityProvider,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            rules: [
              {
                allow: [
                  'Component',
                  'Group',
                  'System',
                  'API',
                  'Resource',
                  'Location',
                  'ModelEndpoint',
                  'Agent',
                ],
              },
            ],
            // Everything is processed once; the next refresh is an hour away.
            processingInterval: { hours: 1 },
            stitchingStrategy: { pollingInterval: { milliseconds: 100 } },
          },
        },
      }),
    ],
  });
  const stop = async () => {
    await backend.stop();
    await knex.destroy();
  };

  try {
    if (!connection || !services) {
      throw new Error('The catalog did not connect the bench entity provider');
    }
    const all = [...fixtureEntities(), ...entities];
    const expected = all.length;
    const start = process.hrtime.bigint();
    await connection.applyMutation({
      type: 'full',
      entities: all.map(entity => ({ entity, locationKey: LOCATION })),
    });
    const deadline = Date.now() + ENGINE_RUN_TIMEOUT_MS;
    let progress = { processed: 0, stitched: 0, queued: 0 };
    for (;;) {
      progress = await readProgress(knex);
      if (
        progress.processed >= expected &&
        progress.stitched >= expected &&
        progress.queued === 0
      ) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${label}: not done after ${
            ENGINE_RUN_TIMEOUT_MS / 1000
          }s (processed ${progress.processed}, stitched ${
            progress.stitched
          } of ${expected}, ${
            progress.queued
          } waiting to be stitched); the machine is too slow for the issue's sizes or processing is stuck`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, POLL_INTERVAL_MS));
    }
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;

    const [{ count: processingErrors }] = await knex('refresh_state')
      .whereNot('errors', '[]')
      .whereNotNull('errors')
      .count({ count: '*' });
    const [{ count: policyWarnings }] = await knex('final_entities')
      .where('final_entity', 'like', '%aiplatform.io/policy%')
      .count({ count: '*' });
    return {
      wallMs,
      finalEntities: progress.stitched,
      processingErrors: Number(processingErrors),
      policyWarnings: Number(policyWarnings),
      catalog: services.catalog,
      auth: services.auth,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function readProgress(knex: Knex) {
  const [{ count: processed }] = await knex('refresh_state')
    .whereNotNull('result_hash')
    .whereNot('result_hash', '')
    .count({ count: '*' });
  const [{ count: stitched }] = await knex('final_entities')
    .whereNotNull('final_entity')
    .count({ count: '*' });
  const [{ count: queued }] = await knex('stitch_queue').count({ count: '*' });
  return {
    processed: Number(processed),
    stitched: Number(stitched),
    queued: Number(queued),
  };
}

/** Runs validateEntityKind + postProcessEntity on every entity, one after another; µs per entity. */
async function timeProcessor(
  processor: AiPlatformEntitiesProcessor,
  entities: Entity[],
): Promise<number> {
  const emit = () => {};
  const start = process.hrtime.bigint();
  for (const entity of entities) {
    await processor.validateEntityKind(entity);
    await processor.postProcessEntity(entity, location, emit);
  }
  return Number(process.hrtime.bigint() - start) / 1e3 / entities.length;
}

/** A catalog that answers getEntitiesByRefs from memory, to time the processor's own CPU cost. */
function inMemoryCatalog(entities: Entity[]): CatalogService {
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  const catalog: Partial<CatalogService> = {
    async getEntitiesByRefs(request) {
      return { items: request.entityRefs.map(ref => byRef.get(ref)) };
    },
  };
  return catalog as CatalogService;
}

const silentLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silentLogger;
  },
};

type EngineRunKind = 'baseline' | 'subject';

interface EngineRunReport {
  wallMs: number;
  finalEntities: number;
  processingErrors: number;
  policyWarnings: number;
  /** Subject only: the processor alone against the live catalog of the run. */
  processorLiveUsPerEntity?: number;
}

const RESULT_MARKER = 'CATALOG_BENCH_RESULT ';

/** One engine run, inside the child process. */
async function engineRunInThisProcess(
  kind: EngineRunKind,
): Promise<EngineRunReport> {
  const entities =
    kind === 'baseline' ? componentEntities() : aiPlatformEntities();
  const run = await runThroughEngine(
    entities,
    kind === 'baseline'
      ? 'baseline (Components)'
      : 'subject (ModelEndpoints + Agents)',
  );
  try {
    const report: EngineRunReport = {
      wallMs: run.wallMs,
      finalEntities: run.finalEntities,
      processingErrors: run.processingErrors,
      policyWarnings: run.policyWarnings,
    };
    if (kind === 'subject') {
      report.processorLiveUsPerEntity = await timeProcessor(
        new AiPlatformEntitiesProcessor({
          catalog: run.catalog,
          auth: run.auth,
          logger: silentLogger,
        }),
        entities,
      );
    }
    return report;
  } finally {
    await run.stop();
  }
}

/**
 * Runs one engine run in a fresh Node process, so that neither run inherits the other's heap,
 * timers or JIT state; the order of the runs then does not skew the ratio.
 */
function engineRunInChildProcess(
  kind: EngineRunKind,
): Promise<EngineRunReport> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        __filename,
        kind,
      ],
      {
        timeout: ENGINE_RUN_TIMEOUT_MS + 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find(l => l.startsWith(RESULT_MARKER));
        if (error || !line) {
          reject(
            new Error(
              `The ${kind} engine run failed${
                error?.killed ? ' (killed after its time limit)' : ''
              }: ${error?.message ?? 'no result'}\n${stderr.slice(-4000)}`,
            ),
          );
          return;
        }
        resolve(JSON.parse(line.slice(RESULT_MARKER.length)));
      },
    );
    child.stdin?.end();
  });
}

if (require.main === module) {
  const kind = process.argv[2] as EngineRunKind;
  engineRunInThisProcess(kind).then(
    report => {
      process.stdout.write(`${RESULT_MARKER}${JSON.stringify(report)}\n`);
      process.exit(0);
    },
    error => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
}

const benchCase: BenchCase = {
  name: 'catalog processing: ModelEndpoint + Agent vs Component',
  description:
    'Wall time until 5,000 ModelEndpoints + 5,000 Agents are processed and stitched by the real catalog engine (with this module, SQLite in memory), against 10,000 plain Components through the same setup; each run in a fresh process.',
  targetRatio: 1.2,
  async run() {
    const baseline = await engineRunInChildProcess('baseline');
    const subject = await engineRunInChildProcess('subject');

    // The processor alone with an in-memory catalog: its own CPU cost per entity.
    const aiEntities = aiPlatformEntities();
    const inMemoryProcessor = new AiPlatformEntitiesProcessor({
      catalog: inMemoryCatalog(aiEntities),
      auth: mockServices.auth(),
      logger: silentLogger,
    });
    await timeProcessor(inMemoryProcessor, aiEntities.slice(0, 1000)); // warm-up
    const processorCpuUs = await timeProcessor(inMemoryProcessor, aiEntities);

    const entitiesPerRun = ENTITY_COUNT + fixtureEntities().length;
    return {
      figures: {
        'entities per run (incl. fixtures)': entitiesPerRun,
        'baseline wall ms (10k Components)': Math.round(baseline.wallMs),
        'baseline entities/s': Math.round(
          (entitiesPerRun * 1000) / baseline.wallMs,
        ),
        'subject wall ms (5k endpoints + 5k agents)': Math.round(
          subject.wallMs,
        ),
        'subject entities/s': Math.round(
          (entitiesPerRun * 1000) / subject.wallMs,
        ),
        'subject processing errors': subject.processingErrors,
        'subject agents with a classification warning': subject.policyWarnings,
        'processor µs/entity, in-memory catalog': processorCpuUs,
        'processor µs/entity, live catalog lookups':
          subject.processorLiveUsPerEntity ?? 'n/a',
      },
      ratio: subject.wallMs / baseline.wallMs,
      ratioLabel: 'AI kinds processing time / plain Components',
    };
  },
};

export default benchCase;
