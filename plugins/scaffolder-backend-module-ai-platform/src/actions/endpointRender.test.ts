import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { validateModelEndpointEntity } from '@ai-platform/plugin-ai-platform-common';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { testAiPlatformConfig } from '../__testUtils__/platformConfig';
import { validateKubernetesObject } from '../render/validateManifests';
import { createAiPlatformEndpointPlanAction } from './endpointPlan';
import { createAiPlatformEndpointRenderAction } from './endpointRender';

const config = new ConfigReader({ aiPlatform: testAiPlatformConfig });
const workspace = createMockDirectory();

async function planFor(input: Record<string, unknown>) {
  const action = createAiPlatformEndpointPlanAction({
    config,
    catalog: catalogServiceMock(),
  });
  const ctx = createMockActionContext({
    input: {
      name: 'llama-8b-chat',
      owner: 'group:default/ml-platform',
      system: 'llm-platform',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      gpuProfile: 'l4-24gb',
      cluster: 'gpu-eu-west-1',
      runtime: 'vllm',
      contextTokens: 8192,
      replicas: { min: 1, max: 2 },
      dataClassification: 'internal',
      ...input,
    } as any,
    logger: mockServices.logger.mock(),
  });
  await action.handler(ctx as any);
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls).plan;
}

async function render(plan: unknown, input: Record<string, unknown> = {}) {
  const ctx = createMockActionContext({
    input: { plan, ...input } as any,
    workspacePath: workspace.path,
    logger: mockServices.logger.mock(),
    templateInfo: {
      entityRef: 'template:default/self-hosted-endpoint',
    } as any,
  });
  await createAiPlatformEndpointRenderAction({ config }).handler(ctx as any);
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
}

function readYaml(file: string) {
  return yaml.parse(readFileSync(path.join(workspace.path, file), 'utf8'));
}

describe('ai-platform:endpoint:render', () => {
  beforeEach(() => workspace.clear());

  it('renders a vLLM Deployment, Service, ScaledObject, PDB, ServiceMonitor, route and entity', async () => {
    const out = await render(await planFor({}));

    expect(out.targetPath).toBe('rendered');
    expect(out.files).toEqual([
      'deployment.yaml',
      'service.yaml',
      'scaledobject.yaml',
      'poddisruptionbudget.yaml',
      'servicemonitor.yaml',
      'gateway/litellm-model.yaml',
      'catalog-info.yaml',
      'endpoint-request.json',
    ]);
    const deployment = readYaml('rendered/deployment.yaml');
    expect(deployment.metadata).toMatchObject({
      name: 'llama-8b-chat',
      namespace: 'llm-shared',
      labels: {
        'backstage.io/kubernetes-id': 'llama-8b-chat',
        'kueue.x-k8s.io/queue-name': 'ml-platform-gpu',
      },
    });
    const pod = deployment.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-L4' });
    expect(pod.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(pod.terminationGracePeriodSeconds).toBe(60);
    expect(pod.volumes).toContainEqual({
      name: 'dshm',
      emptyDir: { medium: 'Memory', sizeLimit: '2Gi' },
    });
    const [container] = pod.containers;
    expect(container.resources.requests['nvidia.com/gpu']).toBe('1');
    expect(container.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(container.args).toEqual([
      'meta-llama/Llama-3.1-8B-Instruct',
      '--served-model-name=llama-8b-chat',
      '--port=8000',
      '--tensor-parallel-size=1',
      '--max-model-len=8192',
      '--gpu-memory-utilization=0.92',
    ]);
    expect(container.env).toContainEqual({
      name: 'HF_TOKEN',
      valueFrom: { secretKeyRef: { name: 'hf-token', key: 'HF_TOKEN' } },
    });
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      expect(container[probe].httpGet).toEqual({
        path: '/health',
        port: 'http',
      });
    }
    expect(container.lifecycle.preStop.exec.command).toEqual([
      '/bin/sleep',
      '15',
    ]);
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8000 }]);

    const scaledObject = readYaml('rendered/scaledobject.yaml');
    expect(scaledObject.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: 'llama-8b-chat' },
      minReplicaCount: 1,
      maxReplicaCount: 2,
    });
    expect(scaledObject.spec.triggers[0].metadata.query).toBe(
      'sum(vllm:num_requests_waiting{namespace="llm-shared",model_name="llama-8b-chat"})',
    );
    expect(readYaml('rendered/servicemonitor.yaml').spec.endpoints).toEqual([
      { port: 'http', path: '/metrics', interval: '15s' },
    ]);
    expect(
      readYaml('rendered/poddisruptionbudget.yaml').spec.maxUnavailable,
    ).toBe(1);

    expect(readYaml('rendered/gateway/litellm-model.yaml')).toEqual({
      model_list: [
        {
          model_name: 'llama-8b-chat',
          litellm_params: {
            model: 'openai/llama-8b-chat',
            api_base:
              'http://llama-8b-chat.llm-shared.svc.cluster.local:8000/v1',
            api_key: 'os.environ/SELF_HOSTED_ENDPOINT_API_KEY',
          },
          model_info: {
            mode: 'chat',
            backstage_entity_ref: 'modelendpoint:default/llama-8b-chat',
          },
        },
      ],
    });

    const entity = readYaml('rendered/catalog-info.yaml');
    expect(() => validateModelEndpointEntity(entity)).not.toThrow();
    expect(entity.metadata.annotations['aiplatform.io/golden-path']).toBe(
      'template:default/self-hosted-endpoint',
    );
    expect(entity.metadata.annotations['backstage.io/source-template']).toBe(
      'template:default/self-hosted-endpoint',
    );
    expect(entity.spec).toEqual({
      type: 'chat',
      lifecycle: 'experimental',
      owner: 'group:default/ml-platform',
      system: 'llm-platform',
      model: {
        name: 'meta-llama/Llama-3.1-8B-Instruct',
        parametersBillions: 8.03,
        license: 'llama3.1',
      },
      serving: {
        mode: 'self-hosted',
        runtime: 'vllm',
        cluster: 'gpu-eu-west-1',
        namespace: 'llm-shared',
        gpuProfile: 'l4-24gb',
        replicas: { min: 1, max: 2 },
      },
      gateway: { model: 'llama-8b-chat' },
      pricing: { gpuHourUsd: 0.8 },
      dataClassification: 'internal',
    });
  });

  it('renders a KServe InferenceService on a MIG slice with the MIG resource name', async () => {
    const out = await render(
      await planFor({
        runtime: 'kserve',
        gpuProfile: 'h100-mig-3g-40gb',
        replicas: { min: 1, max: 1 },
        monthlyBudgetUsd: 1500,
      }),
      { targetPath: 'out/kserve', lifecycle: 'production' },
    );
    expect(out.files).toEqual([
      'inferenceservice.yaml',
      'gateway/litellm-model.yaml',
      'catalog-info.yaml',
      'endpoint-request.json',
    ]);
    const isvc = readYaml('out/kserve/inferenceservice.yaml');
    expect(isvc.apiVersion).toBe('serving.kserve.io/v1beta1');
    expect(isvc.metadata.annotations['serving.kserve.io/deploymentMode']).toBe(
      'Standard',
    );
    const predictor = isvc.spec.predictor;
    expect(predictor.model.modelFormat).toEqual({ name: 'huggingface' });
    expect(predictor.model.storageUri).toBe(
      'hf://meta-llama/Llama-3.1-8B-Instruct',
    );
    expect(predictor.model.resources.requests['nvidia.com/mig-3g.40gb']).toBe(
      '1',
    );
    expect(predictor.model.resources.limits['nvidia.com/mig-3g.40gb']).toBe(
      '1',
    );
    expect(predictor.model.resources.limits['nvidia.com/gpu']).toBeUndefined();
    expect(predictor.nodeSelector['nvidia.com/mig.strategy']).toBe('mixed');
    expect(predictor.labels['backstage.io/kubernetes-id']).toBe(
      'llama-8b-chat',
    );
    expect(
      readYaml('out/kserve/gateway/litellm-model.yaml').model_list[0]
        .litellm_params.api_base,
    ).toBe(
      'http://llama-8b-chat-predictor.llm-shared.svc.cluster.local/openai/v1',
    );
    const entity = readYaml('out/kserve/catalog-info.yaml');
    expect(entity.spec.budget).toEqual({ monthlyUsd: 1500 });
    expect(entity.spec.lifecycle).toBe('production');
    expect(entity.spec.pricing).toEqual({ gpuHourUsd: 1.4 });
  });

  it('renders a KServe LLMInferenceService with tensor parallelism across four GPUs', async () => {
    await render(
      await planFor({
        runtime: 'kserve-llm',
        model: 'meta-llama/Llama-3.1-70B-Instruct',
        gpuProfile: 'h100-80gb',
        tensorParallelSize: 4,
        replicas: { min: 1, max: 2 },
      }),
    );
    const llmisvc = readYaml('rendered/llminferenceservice.yaml');
    expect(llmisvc.apiVersion).toBe('serving.kserve.io/v1alpha2');
    expect(llmisvc.spec.model).toEqual({
      uri: 'hf://meta-llama/Llama-3.1-70B-Instruct',
      name: 'llama-8b-chat',
    });
    expect(llmisvc.spec.parallelism).toEqual({ tensor: 4 });
    expect(llmisvc.spec.scaling).toMatchObject({
      minReplicas: 1,
      maxReplicas: 2,
    });
    expect(llmisvc.spec.replicas).toBeUndefined();
    const [main] = llmisvc.spec.template.containers;
    expect(main.name).toBe('main');
    expect(main.resources.requests['nvidia.com/gpu']).toBe('4');
    expect(main.resources.limits['nvidia.com/gpu']).toBe('4');
    expect(main.env).toContainEqual({
      name: 'VLLM_ADDITIONAL_ARGS',
      value: '--max-model-len=8192 --gpu-memory-utilization=0.92',
    });
    expect(llmisvc.spec.template.volumes).toContainEqual({
      name: 'dshm',
      emptyDir: { medium: 'Memory', sizeLimit: '16Gi' },
    });
  });

  it('uses fixed replicas instead of scaling when min equals max (they are exclusive)', async () => {
    await render(
      await planFor({ runtime: 'kserve-llm', replicas: { min: 2, max: 2 } }),
    );
    const llmisvc = readYaml('rendered/llminferenceservice.yaml');
    expect(llmisvc.spec.replicas).toBe(2);
    expect(llmisvc.spec.scaling).toBeUndefined();
  });

  it('renders a paused vLLM endpoint (min = max = 0): no pods, KEDA paused, the entity kept with 0 replicas, the replicas to resume recorded; the overridden source template kept', async () => {
    const plan = await planFor({});
    const paused = {
      ...plan,
      request: { ...plan.request, replicas: { min: 0, max: 0 } },
      pausedFrom: { min: 1, max: 2 },
    };

    await render(paused, {
      sourceTemplate: 'template:default/other-golden-path',
    });

    expect(readYaml('rendered/deployment.yaml').spec.replicas).toBe(0);
    const scaledObject = readYaml('rendered/scaledobject.yaml');
    expect(scaledObject.metadata.annotations).toEqual({
      'autoscaling.keda.sh/paused-replicas': '0',
    });
    expect(() => validateKubernetesObject(scaledObject)).not.toThrow();
    const entity = readYaml('rendered/catalog-info.yaml');
    expect(entity.spec.serving.replicas).toEqual({ min: 0, max: 0 });
    expect(() => validateModelEndpointEntity(entity)).not.toThrow();
    expect(entity.metadata.annotations['backstage.io/source-template']).toBe(
      'template:default/other-golden-path',
    );
    expect(
      JSON.parse(
        readFileSync(
          path.join(workspace.path, 'rendered/endpoint-request.json'),
          'utf8',
        ),
      ),
    ).toMatchObject({
      kind: 'EndpointRequest',
      request: { replicas: { min: 0, max: 0 }, gpuProfile: 'l4-24gb' },
      pausedFrom: { min: 1, max: 2 },
    });
  });

  it('refuses a plan that was not approved, naming the field', async () => {
    const plan = await planFor({});
    await expect(render({ ...plan, approved: false })).rejects.toThrow(
      'plan is not a usable ai-platform:endpoint:plan output: plan.approved: the plan was not approved',
    );
    await expect(
      render({
        ...plan,
        gpuProfile: { ...plan.gpuProfile, nodeSelector: 'x' },
      }),
    ).rejects.toThrow('plan.gpuProfile.nodeSelector');
  });

  it('refuses a targetPath outside the workspace', async () => {
    await expect(
      render(await planFor({}), { targetPath: '../escape' }),
    ).rejects.toThrow(
      "targetPath '../escape' must be a folder inside the task workspace",
    );
  });
});

describe('validateKubernetesObject', () => {
  async function renderedDeployment() {
    await render(await planFor({}));
    return readYaml('rendered/deployment.yaml');
  }

  beforeEach(() => workspace.clear());

  it('accepts the rendered Deployment', async () => {
    const deployment = await renderedDeployment();
    expect(() => validateKubernetesObject(deployment)).not.toThrow();
  });

  it('rejects GPU requests that differ from limits', async () => {
    const deployment = await renderedDeployment();
    deployment.spec.template.spec.containers[0].resources.requests[
      'nvidia.com/gpu'
    ] = '2';
    expect(() => validateKubernetesObject(deployment)).toThrow(
      'Rendered Deployment llama-8b-chat is invalid: /spec/template/spec/containers/0/resources must request an nvidia.com/* GPU resource with requests equal to limits',
    );
  });

  it('rejects a name that is not DNS-1123, a privileged container and an inline token', async () => {
    const deployment = await renderedDeployment();
    deployment.metadata.name = 'Llama_8B';
    const container = deployment.spec.template.spec.containers[0];
    container.securityContext.allowPrivilegeEscalation = true;
    container.env[0] = { name: 'HF_TOKEN', value: 'hf_secret' };
    let message = '';
    try {
      validateKubernetesObject(deployment);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('/metadata/name must match pattern');
    expect(message).toContain(
      '/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation must be equal to constant false',
    );
    expect(message).toContain(
      "/spec/template/spec/containers/0/env/0 must have required property 'valueFrom'",
    );
  });

  it('rejects a missing /dev/shm memory volume and a kind it does not know', async () => {
    const deployment = await renderedDeployment();
    deployment.spec.template.spec.volumes = [];
    expect(() => validateKubernetesObject(deployment)).toThrow(
      '/spec/template/spec/volumes must contain at least 1 valid item(s)',
    );
    expect(() =>
      validateKubernetesObject({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'x' },
      }),
    ).toThrow('Pod x: no schema for v1/Pod');
  });
});
