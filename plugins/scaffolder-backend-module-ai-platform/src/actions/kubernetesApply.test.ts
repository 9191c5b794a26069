import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { startAiPlatformAuditBackend } from '../__testUtils__/aiPlatformAuditBackend';
import { FakeKubernetesApiServer } from '../__testUtils__/fakeKubernetesApiServer';
import type { AiPlatformBackendClient } from '../gitops/aiPlatformBackendClient';
import { testAiPlatformConfig } from '../__testUtils__/platformConfig';
import { createAiPlatformEndpointPlanAction } from './endpointPlan';
import { createAiPlatformEndpointRenderAction } from './endpointRender';
import { createAiPlatformKubernetesApplyAction } from './kubernetesApply';
import { examples } from './kubernetesApply.examples';

const TOKEN = 'test-service-account-token';
const apiServer = new FakeKubernetesApiServer();
const workspace = createMockDirectory();
let config: ConfigReader;
let apiServerUrl: string;

function configWithApiServer(
  url: string,
  token = TOKEN,
  // @kubernetes/client-node only talks plain HTTP (our local test server) with skipTLSVerify.
  skipTLSVerify = true,
) {
  const [cluster, ...rest] = testAiPlatformConfig.clusters as any[];
  return new ConfigReader({
    aiPlatform: {
      ...testAiPlatformConfig,
      clusters: [
        {
          ...cluster,
          apiServer: { url, serviceAccountToken: token, skipTLSVerify },
        },
        ...rest,
      ],
    },
  });
}

/** Plans and renders a real vLLM endpoint into `<workspace>/rendered`. */
async function renderVllmEndpoint() {
  const planCtx = createMockActionContext({
    input: {
      name: 'llama-8b-chat',
      owner: 'group:default/ml-platform',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      gpuProfile: 'l4-24gb',
      cluster: 'gpu-eu-west-1',
      runtime: 'vllm',
      contextTokens: 8192,
      replicas: { min: 1, max: 2 },
      dataClassification: 'internal',
    } as any,
    logger: mockServices.logger.mock(),
  });
  await createAiPlatformEndpointPlanAction({
    config,
    catalog: catalogServiceMock(),
  }).handler(planCtx as any);
  const plan = Object.fromEntries(
    (planCtx.output as jest.Mock).mock.calls,
  ).plan;
  await createAiPlatformEndpointRenderAction({ config }).handler(
    createMockActionContext({
      input: { plan } as any,
      workspacePath: workspace.path,
      logger: mockServices.logger.mock(),
    }) as any,
  );
}

async function apply(
  input: Record<string, unknown> = { cluster: 'gpu-eu-west-1' },
  options: {
    isDryRun?: boolean;
    actionConfig?: ConfigReader;
    backend?: AiPlatformBackendClient;
  } = {},
) {
  const logger = mockServices.logger.mock();
  const ctx = createMockActionContext({
    input: input as any,
    workspacePath: workspace.path,
    logger,
  });
  // createMockActionContext does not take isDryRun; the scaffolder sets it on dry runs.
  (ctx as any).isDryRun = options.isDryRun;
  const checkpointKeys: string[] = [];
  const checkpoint = ctx.checkpoint;
  ctx.checkpoint = (async (opts: any) => {
    checkpointKeys.push(opts.key);
    return checkpoint(opts);
  }) as any;
  await createAiPlatformKubernetesApplyAction({
    config: options.actionConfig ?? config,
    backend: options.backend,
  }).handler(ctx as any);
  return {
    output: Object.fromEntries((ctx.output as jest.Mock).mock.calls),
    checkpointKeys,
    logger,
  };
}

function readRendered(file: string) {
  return yaml.parse(
    readFileSync(path.join(workspace.path, 'rendered', file), 'utf8'),
  );
}

describe('ai-platform:kubernetes:apply', () => {
  beforeAll(async () => {
    apiServerUrl = await apiServer.start();
    config = configWithApiServer(apiServerUrl);
  });
  afterAll(() => apiServer.stop());
  beforeEach(async () => {
    apiServer.reset();
    workspace.clear();
    await renderVllmEndpoint();
  });

  it('server-side applies every rendered object through @kubernetes/client-node', async () => {
    const { output, checkpointKeys } = await apply();

    const patches = apiServer.patches;
    // Built-in kinds first (in file order), custom resources after; catalog-info.yaml and
    // gateway/ skipped.
    expect(patches.map(p => p.path)).toEqual([
      '/apis/apps/v1/namespaces/llm-shared/deployments/llama-8b-chat',
      '/apis/policy/v1/namespaces/llm-shared/poddisruptionbudgets/llama-8b-chat',
      '/api/v1/namespaces/llm-shared/services/llama-8b-chat',
      '/apis/keda.sh/v1alpha1/namespaces/llm-shared/scaledobjects/llama-8b-chat',
      '/apis/monitoring.coreos.com/v1/namespaces/llm-shared/servicemonitors/llama-8b-chat',
    ]);
    for (const patch of patches) {
      expect(patch.headers['content-type']).toBe(
        'application/apply-patch+yaml',
      );
      expect(patch.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(patch.query).toEqual({ fieldManager: 'backstage-ai-platform' });
    }
    // The body is the rendered object, unchanged (JSON is valid apply-patch YAML).
    expect(patches[0].body).toEqual(readRendered('deployment.yaml'));
    expect(patches[2].body).toEqual(readRendered('service.yaml'));
    expect(patches[3].body).toEqual(readRendered('scaledobject.yaml'));
    // The client discovered resource names before patching.
    expect(
      apiServer.requests.filter(r => r.method === 'GET').map(r => r.path),
    ).toEqual(
      expect.arrayContaining([
        '/apis/apps/v1',
        '/api/v1',
        '/apis/keda.sh/v1alpha1',
      ]),
    );

    expect(output.cluster).toBe('gpu-eu-west-1');
    expect(output.skippedFiles).toEqual([
      'catalog-info.yaml',
      'endpoint-request.json',
      'gateway/litellm-model.yaml',
    ]);
    expect(output.objects).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        namespace: 'llm-shared',
        name: 'llama-8b-chat',
      }),
      expect.objectContaining({ kind: 'PodDisruptionBudget' }),
      expect.objectContaining({ kind: 'Service' }),
      expect.objectContaining({ kind: 'ScaledObject' }),
      expect.objectContaining({ kind: 'ServiceMonitor' }),
    ]);
    expect(output.objects.map((o: any) => o.resourceVersion)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\d+$/)]),
    );
    expect(
      new Set(output.objects.map((o: any) => o.resourceVersion)).size,
    ).toBe(5);
    expect(checkpointKeys).toHaveLength(5);
    expect(checkpointKeys[0]).toMatch(
      /^ai-platform\.kubernetes\.apply\.gpu-eu-west-1\.Deployment\.llm-shared\.llama-8b-chat\.[0-9a-f]{16}$/,
    );
  });

  it('sends force=true when asked to take over conflicting fields', async () => {
    await apply({ cluster: 'gpu-eu-west-1', force: true });
    expect(apiServer.patches[0].query).toEqual({
      fieldManager: 'backstage-ai-platform',
      force: 'true',
    });
  });

  it('runs a server-side dry run (dryRun=All) on a dry run, without checkpoints', async () => {
    const { output, checkpointKeys } = await apply(undefined, {
      isDryRun: true,
    });

    expect(apiServer.patches).toHaveLength(5);
    for (const patch of apiServer.patches) {
      expect(patch.query).toEqual({
        dryRun: 'All',
        fieldManager: 'backstage-ai-platform',
      });
      expect(patch.headers['content-type']).toBe(
        'application/apply-patch+yaml',
      );
    }
    expect(
      output.objects.every((o: any) => o.resourceVersion === 'dry-run'),
    ).toBe(true);
    expect(checkpointKeys).toEqual([]);
  });

  it('does not apply again when a retried task replays its checkpoints', async () => {
    const results = new Map<string, unknown>();
    const replayingApply = async () => {
      const ctx = createMockActionContext({
        input: { cluster: 'gpu-eu-west-1' } as any,
        workspacePath: workspace.path,
        logger: mockServices.logger.mock(),
      });
      ctx.checkpoint = (async ({ key, fn }: any) => {
        if (!results.has(key)) results.set(key, await fn());
        return results.get(key);
      }) as any;
      await createAiPlatformKubernetesApplyAction({ config }).handler(
        ctx as any,
      );
      return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    };
    const first = await replayingApply();
    const second = await replayingApply();
    expect(apiServer.patches).toHaveLength(5);
    expect(second.objects).toEqual(first.objects);
  });

  it('fails naming the object and the API server message when apply is rejected', async () => {
    apiServer.reject(
      '/apis/keda.sh/v1alpha1/namespaces/llm-shared/scaledobjects/llama-8b-chat',
      {
        status: 422,
        reason: 'Invalid',
        message:
          'ScaledObject.keda.sh "llama-8b-chat" is invalid: spec.maxReplicaCount: Invalid value: 0',
      },
    );
    await expect(apply()).rejects.toThrow(
      `Kubernetes API server rejected ScaledObject llm-shared/llama-8b-chat (from scaledobject.yaml) on cluster 'gpu-eu-west-1' (HTTP 422): ScaledObject.keda.sh "llama-8b-chat" is invalid: spec.maxReplicaCount: Invalid value: 0`,
    );
    await expect(apply()).rejects.toMatchObject({ name: 'InputError' });
  });

  it('reports a rejected token as NotAllowedError without the token in the message', async () => {
    const badConfig = configWithApiServer(apiServerUrl, 'wrong-secret-token');
    const failure = apply(undefined, { actionConfig: badConfig });
    await expect(failure).rejects.toMatchObject({ name: 'NotAllowedError' });
    const error = await failure.catch(e => e);
    expect(error.message).toContain('Unauthorized');
    expect(error.message).not.toContain('wrong-secret-token');
  });

  it('refuses plain HTTP unless skipTLSVerify is set', async () => {
    await expect(
      apply(undefined, {
        actionConfig: configWithApiServer(apiServerUrl, TOKEN, false),
      }),
    ).rejects.toThrow(
      "Could not apply Deployment llm-shared/llama-8b-chat (from deployment.yaml) on cluster 'gpu-eu-west-1': Failed to fetch resource metadata for apps/v1/Deployment: HTTP protocol is not allowed when skipTLSVerify is not set or false",
    );
    expect(apiServer.requests).toEqual([]);
  });

  it('rejects unknown clusters and clusters without an API server', async () => {
    await expect(apply({ cluster: 'gpu-us-east-1' })).rejects.toThrow(
      "cluster 'gpu-us-east-1' is not in aiPlatform.clusters; known: gpu-eu-west-1",
    );
    await expect(
      apply(undefined, {
        actionConfig: new ConfigReader({ aiPlatform: testAiPlatformConfig }),
      }),
    ).rejects.toThrow(
      "cluster 'gpu-eu-west-1' has no aiPlatform.clusters[].apiServer configured",
    );
    expect(apiServer.requests).toEqual([]);
  });

  it('rejects a source folder without Kubernetes objects or with a broken manifest', async () => {
    workspace.setContent({ only: { 'catalog-info.yaml': 'kind: Component' } });
    await expect(
      apply({ cluster: 'gpu-eu-west-1', sourcePath: 'only' }),
    ).rejects.toThrow(
      "sourcePath 'only' holds no Kubernetes objects (skipped: catalog-info.yaml)",
    );
    workspace.setContent({
      broken: { 'deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\n' },
    });
    await expect(
      apply({ cluster: 'gpu-eu-west-1', sourcePath: 'broken' }),
    ).rejects.toThrow(
      'deployment.yaml (document 1) is not a Kubernetes object: missing metadata.name',
    );
    await expect(
      apply({ cluster: 'gpu-eu-west-1', sourcePath: '../outside' }),
    ).rejects.toThrow(
      "sourcePath '../outside' must be a folder inside the task workspace",
    );
    expect(apiServer.patches).toEqual([]);
  });

  describe('audit trail (real ai-platform backend)', () => {
    const ENDPOINT = 'modelendpoint:default/llama-8b-chat';
    let audit: Awaited<ReturnType<typeof startAiPlatformAuditBackend>>;
    beforeAll(async () => {
      audit = await startAiPlatformAuditBackend();
    });
    afterAll(() => audit.stop());

    /** The endpoint's audit events recorded while `run` ran, newest first. */
    async function recordedDuring(run: () => Promise<unknown>) {
      const before = (await audit.auditTrailOf(ENDPOINT)).length;
      await run();
      const after = await audit.auditTrailOf(ENDPOINT);
      return after.slice(0, after.length - before);
    }

    it('records an applied event for the entity in catalog-info.yaml', async () => {
      const events = await recordedDuring(() =>
        apply(undefined, { backend: audit.client }),
      );
      expect(events).toEqual([
        expect.objectContaining({
          action: 'apply',
          actor: 'user:default/mock',
          decision: 'applied',
          reasons: [],
          details: expect.objectContaining({
            cluster: 'gpu-eu-west-1',
            force: false,
            taskId: 'mock-task-id',
          }),
        }),
      ]);
      expect(events[0].details.objects.map((o: any) => o.kind)).toEqual([
        'Deployment',
        'PodDisruptionBudget',
        'Service',
        'ScaledObject',
        'ServiceMonitor',
      ]);
    });

    it('records a failed apply with the API server message, then fails the step', async () => {
      apiServer.reject(
        '/apis/keda.sh/v1alpha1/namespaces/llm-shared/scaledobjects/llama-8b-chat',
        { status: 422, reason: 'Invalid', message: 'spec.maxReplicaCount: 0' },
      );
      let failure: Error | undefined;
      const events = await recordedDuring(() =>
        apply(undefined, { backend: audit.client }).catch(e => {
          failure = e;
        }),
      );
      expect(failure?.message).toMatch(
        /^Kubernetes API server rejected ScaledObject llm-shared\/llama-8b-chat/,
      );
      expect(events).toEqual([
        expect.objectContaining({
          action: 'apply',
          decision: 'failed',
          reasons: [failure!.message],
        }),
      ]);
      // What reached the cluster before the rejection.
      expect(events[0].details.objects.map((o: any) => o.kind)).toEqual([
        'Deployment',
        'PodDisruptionBudget',
        'Service',
      ]);
    });

    it('records nothing in a dry run', async () => {
      const events = await recordedDuring(() =>
        apply(undefined, { isDryRun: true, backend: audit.client }),
      );
      expect(apiServer.patches).toHaveLength(5);
      expect(events).toEqual([]);
    });
  });

  it('has an example that applies the rendered folder', () => {
    const action = createAiPlatformKubernetesApplyAction({ config });
    expect(action.examples).toBe(examples);
    const steps = yaml.parse(examples[0].example).steps;
    expect(steps.map((s: any) => s.action)).toEqual([
      'ai-platform:endpoint:plan',
      'ai-platform:endpoint:render',
      'ai-platform:kubernetes:apply',
    ]);
    expect(steps[2].input.cluster).toBe('gpu-eu-west-1');
  });
});
