import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { aiPlatformPlugin } from '../plugin';

jest.setTimeout(60_000);

const USER = mockCredentials.user.header();
const SERVICE = mockCredentials.service.header();

const aiPlatform = {
  gpuMemoryUtilization: 0.92,
  gpuProfiles: [
    {
      id: 'h100-80gb',
      title: 'NVIDIA H100 80GB',
      resourceName: 'nvidia.com/gpu',
      usableMemoryGiB: 79.1,
      nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
      tolerations: [
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ],
      hourlyCostUsd: 3.2,
    },
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
      gpuProfiles: ['h100-80gb', 'l4-24gb'],
      allowedDataClassifications: ['public', 'internal', 'confidential'],
      apiServer: {
        url: 'https://gpu-eu-west-1.example.com:6443',
        serviceAccountToken: 'cluster-sa-token',
      },
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
      maxDataClassification: 'confidential',
    },
    {
      name: 'meta-llama/Llama-3.1-70B-Instruct',
      parametersBillions: 70.6,
      layers: 80,
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
      gpuQuota: { 'h100-80gb': 8, 'l4-24gb': 4 },
      monthlyBudgetUsd: 30000,
    },
  ],
  policies: [
    {
      id: 'max-eight-replicas',
      expression: 'request.replicas.max <= 8',
      message: 'An endpoint may scale to at most 8 replicas',
    },
  ],
};

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

const llama8bOnL4 = {
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  gpuProfile: 'l4-24gb',
  cluster: 'gpu-eu-west-1',
  dataClassification: 'internal',
  contextTokens: 8192,
};

async function startBackend() {
  // The signed-in test user belongs to ml-platform, the owner of the quota and budget
  // checks below (hostile.planning.test.ts covers users outside it).
  const userInfo = mockServices.userInfo({
    ownershipEntityRefs: [
      mockCredentials.user().principal.userEntityRef,
      'group:default/ml-platform',
    ],
  });
  const { server } = await startTestBackend({
    features: [
      aiPlatformPlugin,
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () => userInfo,
      }),
      mockServices.rootConfig.factory({ data: { aiPlatform } }),
      catalogServiceMock.factory({ entities: [existingEndpoint] }),
    ],
  });
  return server;
}

describe('planning router', () => {
  let server: Awaited<ReturnType<typeof startBackend>>;
  beforeAll(async () => {
    server = await startBackend();
  });

  describe('GET /planning/options', () => {
    it('lists the approved models, GPU profiles, clusters and runtimes without secrets', async () => {
      const res = await request(server)
        .get('/api/ai-platform/planning/options')
        .set('Authorization', USER);
      expect(res.status).toBe(200);
      expect(
        res.body.models.map((m: any) => [m.name, m.maxDataClassification]),
      ).toEqual([
        ['meta-llama/Llama-3.1-8B-Instruct', 'confidential'],
        ['meta-llama/Llama-3.1-70B-Instruct', 'internal'],
      ]);
      expect(res.body.gpuProfiles).toEqual([
        {
          id: 'h100-80gb',
          title: 'NVIDIA H100 80GB',
          resourceName: 'nvidia.com/gpu',
          usableMemoryGiB: 79.1,
          gpusPerReplica: 1,
          hourlyCostUsd: 3.2,
        },
        {
          id: 'l4-24gb',
          resourceName: 'nvidia.com/gpu',
          usableMemoryGiB: 22.49,
          gpusPerReplica: 1,
          hourlyCostUsd: 0.8,
        },
      ]);
      expect(res.body.clusters).toEqual([
        {
          name: 'gpu-eu-west-1',
          region: 'eu-west-1',
          gpuProfiles: ['h100-80gb', 'l4-24gb'],
          allowedDataClassifications: ['public', 'internal', 'confidential'],
        },
      ]);
      expect(res.body.runtimes).toEqual(['vllm', 'kserve', 'kserve-llm']);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain('cluster-sa-token');
      expect(text).not.toContain('monthlyBudgetUsd');
    });

    it('needs a signed-in user', async () => {
      const anonymous = await request(server)
        .get('/api/ai-platform/planning/options')
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      const service = await request(server)
        .get('/api/ai-platform/planning/options')
        .set('Authorization', SERVICE);
      expect(service.status).toBe(403);
    });
  });

  describe('POST /planning/preview', () => {
    const preview = (body: unknown, auth = USER) =>
      request(server)
        .post('/api/ai-platform/planning/preview')
        .set('Authorization', auth)
        .send(body as object);

    it('previews a model that fits, with its numbers and monthly cost', async () => {
      const res = await preview({
        ...llama8bOnL4,
        replicas: { min: 1, max: 2 },
      });
      expect(res.status).toBe(200);
      expect(res.body.fits).toBe(true);
      expect(res.body.approved).toBe(true);
      expect(res.body.memoryFit.summary).toBe(
        'fits: 15.0 GiB weights + 1.0 GiB KV + 2.0 GiB overhead ≤ 20.7 GiB usable',
      );
      expect(res.body.memoryFit.weightsGiB).toBeCloseTo(14.96, 2);
      expect(res.body.memoryFit.kvCacheGiB).toBe(1);
      expect(res.body.memoryFit.availableGiBPerGpu).toBeCloseTo(20.69, 2);
      expect(res.body.tensorParallelSize).toBe(1);
      expect(res.body.cost).toEqual({
        gpuHourUsd: 0.8,
        gpusPerReplica: 1,
        hoursPerMonth: 730,
        monthlyMinUsd: 584,
        monthlyMaxUsd: 1168,
      });
      expect(res.body.decisions.map((d: any) => d.rule)).toEqual([
        'known-model',
        'known-gpu-profile',
        'known-cluster',
        'replicas',
        'profile-offered-by-cluster',
        'context-length',
        'tensor-parallelism',
        'memory-fit',
        'model-data-classification',
        'cluster-data-classification',
      ]);
      expect(res.body.deferredChecks.map((d: any) => d.rule)).toEqual([
        'gpu-quota',
        'monthly-budget',
        'policy:max-eight-replicas',
      ]);
    });

    it('says why a model does not fit', async () => {
      const res = await preview({ ...llama8bOnL4, contextTokens: 131072 });
      expect(res.status).toBe(200);
      expect(res.body.fits).toBe(false);
      expect(res.body.approved).toBe(false);
      const memoryFit = res.body.decisions.find(
        (d: any) => d.rule === 'memory-fit',
      );
      expect(memoryFit.outcome).toBe('fail');
      expect(memoryFit.message).toContain(
        'does not fit: 15.0 GiB weights + 16.0 GiB KV + 2.0 GiB overhead = 33.0 GiB > 20.7 GiB usable',
      );
    });

    it('checks the model against the data classification', async () => {
      const res = await preview({
        ...llama8bOnL4,
        model: 'meta-llama/Llama-3.1-70B-Instruct',
        gpuProfile: 'h100-80gb',
        tensorParallelSize: 4,
        dataClassification: 'confidential',
      });
      expect(res.status).toBe(200);
      expect(res.body.fits).toBe(true);
      expect(res.body.approved).toBe(false);
      expect(
        res.body.decisions.filter((d: any) => d.outcome === 'fail'),
      ).toEqual([
        {
          rule: 'model-data-classification',
          outcome: 'fail',
          message:
            'dataClassification: meta-llama/Llama-3.1-70B-Instruct is approved only up to internal data, not confidential',
        },
      ]);
    });

    it("checks the owner's GPU quota and budget against its endpoints in the catalog", async () => {
      const res = await preview({
        ...llama8bOnL4,
        owner: 'group:default/ml-platform',
        replicas: { min: 1, max: 2 },
      });
      expect(res.status).toBe(200);
      expect(res.body.quota).toEqual({
        gpuProfile: 'l4-24gb',
        quotaGpus: 4,
        existingGpus: 3,
        requestedGpus: 2,
      });
      expect(
        res.body.decisions.find((d: any) => d.rule === 'gpu-quota'),
      ).toMatchObject({ outcome: 'fail' });
      expect(
        res.body.decisions.find((d: any) => d.rule === 'monthly-budget'),
      ).toMatchObject({ outcome: 'pass' });
      expect(res.body.deferredChecks.map((d: any) => d.rule)).toEqual([
        'policy:max-eight-replicas',
      ]);
    });

    it('reports an unknown GPU profile as a failed decision', async () => {
      const res = await preview({ ...llama8bOnL4, gpuProfile: 'a100-80gb' });
      expect(res.status).toBe(200);
      expect(res.body.fits).toBeNull();
      expect(
        res.body.decisions.find((d: any) => d.rule === 'known-gpu-profile'),
      ).toEqual({
        rule: 'known-gpu-profile',
        outcome: 'fail',
        message:
          "gpuProfile: 'a100-80gb' is not a GPU profile of the platform; known: h100-80gb, l4-24gb",
      });
    });

    it.each([
      [
        'a missing model',
        { ...llama8bOnL4, model: undefined },
        "'model': expected an approved model name",
      ],
      [
        'a context length that is not a whole number',
        { ...llama8bOnL4, contextTokens: 'long' },
        "'contextTokens': expected a whole number ≥ 1",
      ],
      [
        'zero max replicas',
        { ...llama8bOnL4, replicas: { min: 0, max: 0 } },
        "'replicas.max': expected a whole number ≥ 1",
      ],
      [
        'an unknown data classification',
        { ...llama8bOnL4, dataClassification: 'secret' },
        "'dataClassification': expected one of public, internal, confidential, restricted",
      ],
      [
        'an unknown field',
        { ...llama8bOnL4, gpus: 2 },
        "'gpus': not a field of the preview request",
      ],
    ])('answers 400 naming the field for %s', async (_what, body, message) => {
      const res = await preview(body);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain(message);
    });

    it('answers 400 for a body that is not a JSON object', async () => {
      const res = await request(server)
        .post('/api/ai-platform/planning/preview')
        .set('Authorization', USER)
        .set('Content-Type', 'application/json')
        .send('[1, 2]');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('expected a JSON object');
    });

    it('needs a signed-in user', async () => {
      expect((await preview(llama8bOnL4, SERVICE)).status).toBe(403);
      expect(
        (await preview(llama8bOnL4, mockCredentials.none.header())).status,
      ).toBe(401);
    });
  });
});
