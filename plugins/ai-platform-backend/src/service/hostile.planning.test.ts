import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { aiPlatformPlugin } from '../plugin';

jest.setTimeout(60_000);

// The owning team is ml-platform; the platform group is platform-admins.
const OWNERSHIP: Record<string, string[]> = {
  'user:default/alice': ['user:default/alice', 'group:default/ml-platform'],
  'user:default/pat': ['user:default/pat', 'group:default/platform-admins'],
  'user:default/mallory': ['user:default/mallory', 'group:default/support'],
};
const ALICE = mockCredentials.user.header('user:default/alice');
const PAT = mockCredentials.user.header('user:default/pat');
const MALLORY = mockCredentials.user.header('user:default/mallory');

const aiPlatform = {
  permissions: { platformGroups: ['group:default/platform-admins'] },
  gpuProfiles: [
    {
      id: 'l4-24gb',
      resourceName: 'nvidia.com/gpu',
      usableMemoryGiB: 22.49,
      nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' },
      hourlyCostUsd: 0.8,
    },
  ],
  clusters: [
    {
      name: 'gpu-eu-west-1',
      region: 'eu-west-1',
      gpuProfiles: ['l4-24gb'],
      allowedDataClassifications: ['public', 'internal'],
    },
  ],
  models: [
    {
      name: 'meta-llama/Llama-3.1-8B-Instruct',
      parametersBillions: 8.03,
      layers: 32,
      kvHeads: 8,
      headDim: 128,
      defaultContextTokens: 8192,
      maxContextTokens: 131072,
      license: 'llama3.1',
      maxDataClassification: 'internal',
    },
  ],
  teams: [
    {
      group: 'group:default/ml-platform',
      namespace: 'llm-shared',
      gpuQuota: { 'l4-24gb': 16 },
      monthlyBudgetUsd: 31337,
    },
  ],
};

// Committed spend of ml-platform: 3 replicas × $0.8 × 730 h = $1,752/month.
const existingEndpoint: Entity = {
  apiVersion: 'aiplatform.io/v1alpha1',
  kind: 'ModelEndpoint',
  metadata: { name: 'qwen-chat', namespace: 'default' },
  spec: {
    type: 'chat',
    lifecycle: 'production',
    owner: 'group:default/ml-platform',
    model: { name: 'Qwen/Qwen2.5-7B-Instruct' },
    serving: {
      mode: 'self-hosted',
      runtime: 'vllm',
      cluster: 'gpu-eu-west-1',
      gpuProfile: 'l4-24gb',
      replicas: { min: 1, max: 3 },
    },
  },
};

const proposal = {
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  gpuProfile: 'l4-24gb',
  cluster: 'gpu-eu-west-1',
  dataClassification: 'internal',
  replicas: { min: 1, max: 2 },
};

describe('POST /planning/preview, hostile input', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    const userInfo = mockServices.userInfo.mock({
      getUserInfo: async (credentials: BackstageCredentials) => {
        const principal = credentials.principal as { userEntityRef: string };
        return {
          userEntityRef: principal.userEntityRef,
          ownershipEntityRefs: OWNERSHIP[principal.userEntityRef] ?? [
            principal.userEntityRef,
          ],
        };
      },
    });
    ({ server } = await startTestBackend({
      features: [
        aiPlatformPlugin,
        userInfo.factory,
        mockServices.rootConfig.factory({ data: { aiPlatform } }),
        catalogServiceMock.factory({ entities: [existingEndpoint] }),
      ],
    }));
  });

  const preview = (body: unknown, auth: string) =>
    request(server)
      .post('/api/ai-platform/planning/preview')
      .set('Authorization', auth)
      .send(body as object);

  it.each([
    ['without an owner', {}],
    ['with an owner', { owner: 'group:default/ml-platform' }],
  ])(
    'refuses a tensor-parallel size of 1,000,000 %s with 400 naming the field and the maximum',
    async (_what, extra) => {
      const res = await preview(
        { ...proposal, ...extra, tensorParallelSize: 1_000_000 },
        ALICE,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain(
        "'tensorParallelSize': expected a whole number ≤ 64",
      );
    },
  );

  it.each([
    ['replicas.max', { replicas: { min: 1, max: 1_000_000 } }, '≤ 1000'],
    ['maxConcurrentSequences', { maxConcurrentSequences: 1e9 }, '≤ 4096'],
    ['contextTokens', { contextTokens: 2 ** 53 - 1 }, '≤ 16777216'],
    ['model', { model: 'm'.repeat(70_000) }, 'at most 253 characters'],
  ])(
    'refuses an oversized %s with 400 naming the bound',
    async (field, extra, bound) => {
      const res = await preview({ ...proposal, ...extra }, ALICE);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(`'${field}'`);
      expect(res.body.error.message).toContain(bound);
      // The 70 KB value is not echoed back.
      expect(JSON.stringify(res.body).length).toBeLessThan(2000);
    },
  );

  it("withholds the owning team's budget and committed spend from a user outside the team and the platform groups", async () => {
    const res = await preview(
      { ...proposal, owner: 'group:default/ml-platform' },
      MALLORY,
    );
    expect(res.status).toBe(200);
    // The proposal's own fit and cost are shown.
    expect(res.body.fits).toBe(true);
    expect(res.body.cost).toMatchObject({ monthlyMaxUsd: 1168 });
    // The team's figures are not, anywhere in the body.
    expect(res.body.budget).toBeUndefined();
    expect(res.body.quota).toBeUndefined();
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('31,337');
    expect(text).not.toContain('31337');
    expect(text).not.toContain('1,752');
    expect(
      res.body.decisions.map((d: { rule: string }) => d.rule),
    ).not.toContain('monthly-budget');
    // A note says why.
    expect(res.body.teamFiguresWithheld).toContain('group:default/ml-platform');
    expect(
      res.body.deferredChecks.find(
        (d: { rule: string }) => d.rule === 'monthly-budget',
      ).message,
    ).toContain('only to members of group:default/ml-platform');
  });

  it.each([
    ['a member of the owning team', ALICE],
    ['a member of a platform group', PAT],
  ])(
    "shows the owning team's budget and committed spend to %s",
    async (_who, auth) => {
      const res = await preview(
        { ...proposal, owner: 'group:default/ml-platform' },
        auth,
      );
      expect(res.status).toBe(200);
      expect(res.body.budget).toEqual({
        monthlyBudgetUsd: 31337,
        existingMonthlyUsd: 1752,
        remainingMonthlyUsd: 29585,
        requestedMonthlyUsd: 1168,
      });
      expect(res.body.quota).toMatchObject({ quotaGpus: 16, existingGpus: 3 });
      expect(
        res.body.decisions.find(
          (d: { rule: string }) => d.rule === 'monthly-budget',
        ),
      ).toMatchObject({ outcome: 'pass' });
      expect(res.body.teamFiguresWithheld).toBeUndefined();
    },
  );
});
