import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  startIngestTestBackend,
  TEST_DATABASE_IDS,
} from '../__testUtils__/ingestTestBackend';
import otlpFixture from '../ingest/__fixtures__/otlp-agent-streamed-chat.json';
import litellmFixture from '../ingest/__fixtures__/litellm-standard-logging-payloads.json';

jest.setTimeout(60_000);

const SERVICE = mockCredentials.service.header();
const WINDOW = { from: '2026-09-20T00:00:00Z', to: '2026-09-21T00:00:00Z' };

/** gpt-4o-mini declares $0.15 / $0.60 per million input / output tokens. */
const ENTITIES: Entity[] = [
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: 'gpt-4o-mini', namespace: 'default' },
    spec: {
      gateway: { model: 'gpt-4o-mini' },
      pricing: {
        inputPerMillionTokensUsd: 0.15,
        outputPerMillionTokensUsd: 0.6,
      },
    },
  },
];

/** Config prices: the embedding model (matched on the model, not the alias). */
const CONFIG = {
  aiPlatform: {
    // The fixtures are dated 2026-09-20: accept calls that old.
    ingest: { plausibility: { maxAge: { years: 100 } } },
    pricing: {
      models: [
        {
          model: 'text-embedding-3-small',
          inputPerMillionTokensUsd: 0.02,
          outputPerMillionTokensUsd: 0,
        },
      ],
    },
  },
};

describe('cost from pricing when the gateway reports none', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  it.each(databases.eachSupportedId())(
    'prices LiteLLM and OTLP calls from the endpoint spec, then the config table, %p',
    async databaseId => {
      const { server, knex } = await startIngestTestBackend(
        databases,
        databaseId,
        {
          entities: ENTITIES,
          config: CONFIG,
          permission: AuthorizeResult.ALLOW,
        },
      );

      const payloads: any[] = structuredClone(litellmFixture);
      payloads[1].response_cost = null; // 500 in, 50 out
      payloads[4].response_cost = 0; // 64 in, embeddings
      payloads.push({
        ...structuredClone(payloads[1]),
        id: 'mystery-6',
        model: 'mystery-1',
        model_group: 'mystery',
        prompt_tokens: 10,
        completion_tokens: 10,
      });
      const litellm = await request(server)
        .post('/api/ai-platform/ingest/litellm')
        .set('Authorization', SERVICE)
        .send(payloads);
      expect(litellm.body).toEqual({
        accepted: 6,
        duplicates: 0,
        merged: 0,
        rejected: [],
      });

      const traces = await request(server)
        .post('/api/ai-platform/v1/traces')
        .set('Authorization', SERVICE)
        .send(otlpFixture);
      expect(traces.status).toBe(200);

      const rows = await knex('ai_platform_events')
        .select('source_event_id', 'cost_usd', 'cost_source')
        .orderBy('source_event_id');
      expect(
        rows.map(row => ({ ...row, cost_usd: Number(row.cost_usd) })),
      ).toEqual([
        {
          // OTLP: 1043 × 0.15 / 1e6 + 142 × 0.6 / 1e6
          source_event_id: '5b8efff798038103d269b633813fc60ceee19b7ec3c1b174',
          cost_usd: 0.00024165,
          cost_source: 'endpoint-pricing',
        },
        {
          source_event_id: 'chatcmpl-failed-4',
          cost_usd: 0,
          cost_source: 'endpoint-pricing',
        },
        {
          // 500 × 0.15 / 1e6 + 50 × 0.6 / 1e6
          source_event_id: 'chatcmpl-nostream-2',
          cost_usd: 0.000105,
          cost_source: 'endpoint-pricing',
        },
        {
          source_event_id: 'chatcmpl-stream-1',
          cost_usd: 0.00041325,
          cost_source: 'gateway',
        },
        {
          // 64 × 0.02 / 1e6, from the config table by model name
          source_event_id: 'embed-unknown-5',
          cost_usd: 0.00000128,
          cost_source: 'config-pricing',
        },
        { source_event_id: 'mystery-6', cost_usd: 0, cost_source: 'unknown' },
        {
          source_event_id: 'passthrough-3',
          cost_usd: 0.0002,
          cost_source: 'gateway',
        },
      ]);

      // The rollups carry the computed costs.
      const usage = await request(server)
        .get(
          '/api/ai-platform/usage/by-entity/modelendpoint/default/gpt-4o-mini',
        )
        .query(WINDOW)
        .set('Authorization', mockCredentials.user.header());
      expect(usage.status).toBe(200);
      expect(usage.body.costUsd).toBeCloseTo(
        0.00024165 + 0.000105 + 0.00041325 + 0.0002,
        12,
      );
      const unattributed = await request(server)
        .get('/api/ai-platform/usage/unattributed')
        .query(WINDOW)
        .set('Authorization', mockCredentials.user.header());
      expect(
        Object.fromEntries(
          unattributed.body.items.map((item: any) => [
            item.joinKey,
            item.costUsd,
          ]),
        ),
      ).toMatchObject({ 'team-embeddings': 0.00000128, mystery: 0 });
    },
  );
});
