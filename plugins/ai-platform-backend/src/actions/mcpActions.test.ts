import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { TEST_DATABASE_IDS } from '../__testUtils__/ingestTestBackend';
import {
  callsOf,
  MCP_AI_PLATFORM_CONFIG,
  MCP_ENTITIES,
} from './__testUtils__/mcpFixtures';
import {
  callTool,
  connectMcpClient,
  MCP_TOKEN,
  startMcpTestBackend,
} from './__testUtils__/mcpTestBackend';

jest.setTimeout(120_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const CLAUDE = 'modelendpoint:default/claude-sonnet';
const LLAMA = 'modelendpoint:default/llama-3-1-8b-instruct';
const MISTRAL = 'modelendpoint:default/mistral-7b-instruct';

const TOOL_NAMES = [
  'ai-platform.get-ai-scorecard',
  'ai-platform.get-ai-usage',
  'ai-platform.list-failing-ai-checks',
  'ai-platform.list-model-endpoints',
  'ai-platform.plan-model-endpoint',
];

describe('AI platform MCP actions over the MCP actions backend', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let stop: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await stop?.();
      stop = undefined;
    });

    async function startWithTraffic() {
      const started = await startMcpTestBackend(databases, databaseId, {
        entities: MCP_ENTITIES,
        aiPlatform: MCP_AI_PLATFORM_CONFIG,
        deniedRefs: [CLAUDE],
      });
      stop = () => started.backend.stop();
      const now = new Date();
      await started.store.insertEvents([
        ...callsOf('llama-3-1-8b-instruct', 'llama-3.1-8b', now, {
          count: 30,
          ttftMs: [150, 300],
          costUsd: 0,
        }),
        ...callsOf('mistral-7b-instruct', 'mistral-7b', now, {
          count: 30,
          ttftMs: [1000, 1200],
          costUsd: 0,
        }),
        ...callsOf('claude-sonnet', 'claude-sonnet', now, {
          count: 30,
          ttftMs: [900, 1100],
          costUsd: 0.1,
        }),
      ]);
      // The scheduled evaluation, made now through the REST API.
      for (const ref of [LLAMA, MISTRAL, CLAUDE]) {
        const [kind, rest] = ref.split(':');
        await request(started.server)
          .post(
            `/api/ai-platform/scorecards/by-entity/${kind}/${rest}/evaluate`,
          )
          .set('Authorization', mockCredentials.user.header(ALICE))
          .expect(200);
      }
      return started;
    }

    it('lists the five tools and answers "which approved endpoint can process confidential data under 800 ms p95?"', async () => {
      const { port } = await startWithTraffic();
      const client = await connectMcpClient(
        port,
        mockCredentials.user.token(ALICE),
      );
      const { tools } = await client.listTools();
      const ours = tools
        .filter(tool => tool.name.startsWith('ai-platform.'))
        .sort((a, b) => a.name.localeCompare(b.name));
      expect(ours.map(tool => tool.name)).toEqual(TOOL_NAMES);
      for (const tool of ours) {
        expect(tool.annotations?.readOnlyHint).toBe(true);
        expect(tool.description!.length).toBeGreaterThan(200);
      }
      const listTool = ours.find(t => t.name.endsWith('list-model-endpoints'))!;
      expect(Object.keys(listTool.inputSchema.properties ?? {})).toEqual(
        expect.arrayContaining(['type', 'mayProcess', 'maxTtftP95Ms']),
      );

      const answer = await callTool(client, 'list-model-endpoints', {
        approvedOnly: true,
        mayProcess: 'confidential',
        maxTtftP95Ms: 800,
        type: 'chat',
      });
      expect(answer.isError).toBe(false);
      expect(answer.output.items).toEqual([
        expect.objectContaining({
          entityRef: LLAMA,
          gatewayAlias: 'llama-3.1-8b',
          dataClassification: 'confidential',
          approved: true,
          slo: { ttftP95Ms: 400, errorRatePercent: 1 },
          telemetryReadable: true,
          ttftP95Ms: expect.any(Number),
          level: expect.any(String),
          unitCost: expect.objectContaining({ basis: expect.any(String) }),
        }),
      ]);
      expect(answer.output.items[0].ttftP95Ms).toBeGreaterThanOrEqual(150);
      expect(answer.output.items[0].ttftP95Ms).toBeLessThanOrEqual(300);
      const reasons = Object.fromEntries(
        answer.output.excluded.map((e: any) => [e.entityRef, e.reason]),
      );
      expect(reasons[CLAUDE]).toMatch(/TTFT p95 .* above 800 ms/);
      expect(reasons[MISTRAL]).toMatch(/lifecycle is experimental/);
      expect(reasons['modelendpoint:default/qwen2-5-7b-instruct']).toMatch(
        /internal data at most, not confidential/,
      );

      // Without filters: every endpoint, bge-m3 and qwen included.
      const all = await callTool(client, 'list-model-endpoints', {});
      expect(all.output.items).toHaveLength(5);
      await client.close();
    });

    it('answers a scorecard, usage, failing checks and a plan with real data', async () => {
      const { port } = await startWithTraffic();
      const client = await connectMcpClient(
        port,
        mockCredentials.user.token(ALICE),
      );

      const scorecard = await callTool(client, 'get-ai-scorecard', {
        entityRef: 'claude-sonnet',
      });
      expect(scorecard.isError).toBe(false);
      expect(scorecard.output.entityRef).toBe(CLAUDE);
      expect(scorecard.output.checks).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            checkId: 'budget-mtd',
            status: 'fail',
            threshold: 1,
          }),
          expect.objectContaining({
            checkId: 'ttft-p95',
            status: 'pass',
            threshold: 1500,
          }),
        ]),
      );
      expect(scorecard.output.monthToDate.requests).toBe(30);

      const usage = await callTool(client, 'get-ai-usage', {
        entityRef: LLAMA,
      });
      expect(usage.isError).toBe(false);
      expect(usage.output).toMatchObject({
        entityRef: LLAMA,
        requests: 30,
        errors: 0,
        inputTokens: 30_000,
        outputTokens: 6_000,
      });
      expect(usage.output.ttftMs.count).toBe(30);
      const badWindow = await callTool(client, 'get-ai-usage', {
        entityRef: LLAMA,
        from: 'yesterday',
      });
      expect(badWindow.isError).toBe(true);
      expect(badWindow.text).toMatch(/InputError: Invalid input 'from'/);

      const failing = await callTool(client, 'list-failing-ai-checks', {
        owner: 'acme',
      });
      expect(failing.isError).toBe(false);
      expect(failing.output.groups).toEqual(
        expect.arrayContaining([
          'group:default/acme',
          'group:default/ml-platform',
          'group:default/support-experience',
        ]),
      );
      const failingChecks = Object.fromEntries(
        failing.output.items.map((item: any) => [
          item.entityRef,
          item.checks.map((c: any) => c.checkId),
        ]),
      );
      expect(failingChecks[CLAUDE]).toContain('budget-mtd');
      expect(failingChecks[MISTRAL]).toContain('ttft-p95');
      expect(failingChecks[LLAMA]).toBeUndefined();

      const fits = await callTool(client, 'plan-model-endpoint', {
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        gpuProfile: 'l4-24gb',
        cluster: 'gpu-eu-west-1',
        dataClassification: 'confidential',
      });
      expect(fits.isError).toBe(false);
      expect(fits.output).toMatchObject({
        fits: true,
        cost: { monthlyMinUsd: expect.any(Number) },
      });
      const tooBig = await callTool(client, 'plan-model-endpoint', {
        model: 'meta-llama/Llama-3.1-70B-Instruct',
        gpuProfile: 'l4-24gb',
        cluster: 'gpu-eu-west-1',
        dataClassification: 'confidential',
      });
      expect(tooBig.output.approved).toBe(false);
      expect(tooBig.output.fits).toBe(false);
      const failedRules = tooBig.output.decisions
        .filter((d: any) => d.outcome === 'fail')
        .map((d: any) => d.rule);
      expect(failedRules).toEqual(
        expect.arrayContaining(['memory-fit', 'model-data-classification']),
      );
      const unknownModel = await callTool(client, 'plan-model-endpoint', {
        model: 'gpt-5',
        gpuProfile: 'l4-24gb',
        cluster: 'gpu-eu-west-1',
        dataClassification: 'internal',
      });
      expect(unknownModel.output.approved).toBe(false);
      expect(
        unknownModel.output.decisions.find(
          (d: any) => d.outcome === 'fail' && /gpt-5/.test(d.message),
        )?.message,
      ).toMatch(/approved: .*meta-llama\/Llama-3\.1-8B-Instruct/);
      const badPlan = await callTool(client, 'plan-model-endpoint', {
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        gpuProfile: 'l4-24gb',
        cluster: 'gpu-eu-west-1',
        dataClassification: 'confidential',
        replicas: { min: 1, max: 100000 },
      });
      expect(badPlan.isError).toBe(true);
      expect(badPlan.text).toMatch(/'replicas.max'/);
      await client.close();
    });

    it('gives a caller without ai-platform.telemetry.read no numbers for that entity', async () => {
      const { port } = await startWithTraffic();
      const client = await connectMcpClient(
        port,
        mockCredentials.user.token(BOB),
      );
      const list = await callTool(client, 'list-model-endpoints', {});
      const claude = list.output.items.find((i: any) => i.entityRef === CLAUDE);
      expect(claude).toMatchObject({
        telemetryReadable: false,
        ttftP95Ms: null,
        level: null,
        unitCost: null,
        spendMtdUsd: null,
        gatewayAlias: 'claude-sonnet',
      });
      expect(list.output.notes.join(' ')).toMatch(
        /1 endpoint\(s\) show no numbers .* ai-platform\.telemetry\.read/,
      );
      const llama = list.output.items.find((i: any) => i.entityRef === LLAMA);
      expect(llama.ttftP95Ms).toEqual(expect.any(Number));

      for (const name of ['get-ai-usage', 'get-ai-scorecard']) {
        const denied = await callTool(client, name, { entityRef: CLAUDE });
        expect(denied.isError).toBe(true);
        expect(denied.text).toBe(
          `NotAllowedError: Not allowed to read the telemetry of ${CLAUDE}`,
        );
        expect(denied.text).not.toMatch(/budget|\d+ ms/);
      }
      const failing = await callTool(client, 'list-failing-ai-checks', {
        owner: 'group:default/acme',
      });
      expect(failing.output.items.map((i: any) => i.entityRef)).toEqual([
        MISTRAL,
      ]);
      await client.close();
    });
  });

  it('accepts a static external access token and refuses a wrong one', async () => {
    const started = await startMcpTestBackend(databases, TEST_DATABASE_IDS[1], {
      entities: MCP_ENTITIES,
      aiPlatform: MCP_AI_PLATFORM_CONFIG,
      staticToken: true,
    });
    try {
      const client = await connectMcpClient(started.port, MCP_TOKEN);
      const { tools } = await client.listTools();
      expect(tools.map(t => t.name)).toEqual(
        expect.arrayContaining(TOOL_NAMES),
      );
      const list = await callTool(client, 'list-model-endpoints', {
        mayProcess: 'restricted',
      });
      expect(list.isError).toBe(false);
      // No demo endpoint may process restricted data.
      expect(list.output.items).toEqual([]);
      expect(list.output.excluded).toHaveLength(5);
      await client.close();

      await expect(
        connectMcpClient(started.port, 'not-the-token-0123456789'),
      ).rejects.toThrow(/"statusCode":401/);

      // The plugin's action list (names, descriptions, schemas) is behind
      // the credentials barrier like every route of the plugin.
      const actionsUrl = `http://localhost:${started.port}/api/ai-platform/.backstage/actions/v1/actions`;
      expect((await fetch(actionsUrl)).status).toBe(401);
      const listed = await fetch(actionsUrl, {
        headers: { Authorization: `Bearer ${MCP_TOKEN}` },
      });
      expect(listed.status).toBe(200);
    } finally {
      await started.backend.stop();
    }
  });
});
