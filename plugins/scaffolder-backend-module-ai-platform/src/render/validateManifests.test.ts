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
import { testAiPlatformConfig } from '../__testUtils__/platformConfig';
import { createAiPlatformEndpointPlanAction } from '../actions/endpointPlan';
import { createAiPlatformEndpointRenderAction } from '../actions/endpointRender';
import {
  validateKubernetesObject,
  validateRenderedManifests,
} from './validateManifests';

// The first test loads the models' validators; a busy CI worker takes longer than 5 s.
jest.setTimeout(30_000);

const config = new ConfigReader({ aiPlatform: testAiPlatformConfig });
const workspace = createMockDirectory();

/** Plans and renders an endpoint; returns every rendered Kubernetes manifest by file. */
async function renderManifests(input: Record<string, unknown> = {}) {
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
      ...input,
    } as any,
    logger: mockServices.logger.mock(),
  });
  await createAiPlatformEndpointPlanAction({
    config,
    catalog: catalogServiceMock(),
  }).handler(planCtx as any);
  const { plan } = Object.fromEntries((planCtx.output as jest.Mock).mock.calls);
  const renderCtx = createMockActionContext({
    input: { plan } as any,
    workspacePath: workspace.path,
    logger: mockServices.logger.mock(),
  });
  await createAiPlatformEndpointRenderAction({ config }).handler(
    renderCtx as any,
  );
  const { files } = Object.fromEntries(
    (renderCtx.output as jest.Mock).mock.calls,
  );
  return Object.fromEntries(
    (files as string[])
      .filter(
        f =>
          !f.includes('/') &&
          f !== 'catalog-info.yaml' &&
          f !== 'endpoint-request.json',
      )
      .map(f => [
        f,
        yaml.parse(
          readFileSync(path.join(workspace.path, 'rendered', f), 'utf8'),
        ),
      ]),
  );
}

function problemsOf(object: any): string {
  try {
    validateKubernetesObject(object);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

describe('rendered manifests through the maintained Kubernetes models', () => {
  beforeEach(() => workspace.clear());

  it.each([
    ['vllm', {}, 5],
    [
      'kserve',
      { gpuProfile: 'h100-mig-3g-40gb', replicas: { min: 1, max: 1 } },
      1,
    ],
    ['kserve-llm', { gpuProfile: 'h100-80gb', tensorParallelSize: 4 }, 1],
  ])(
    'accepts the manifest set rendered for %s',
    async (runtime, input, count) => {
      const manifests = await renderManifests({ runtime, ...input });
      expect(Object.keys(manifests)).toHaveLength(count);
      for (const object of Object.values(manifests)) {
        expect(problemsOf(object)).toBe('');
      }
    },
  );

  it('rejects an unknown field in a Deployment spec, naming the path and the fields it knows', async () => {
    const { 'deployment.yaml': deployment } = await renderManifests();
    deployment.spec.replica = 2;
    deployment.spec.template.spec.containers[0].imagePullPolicyy = 'Always';

    const message = problemsOf(deployment);
    expect(message).toMatch(/^Rendered Deployment llama-8b-chat is invalid: /);
    expect(message).toContain(
      '/spec/replica is not a field of apps/v1 Deployment; expected one of: ',
    );
    expect(message).toMatch(
      /\/spec\/replica is not a field[^:]*: [^;]*\breplicas\b/,
    );
    expect(message).toContain(
      '/spec/template/spec/containers/0/imagePullPolicyy is not a field of apps/v1 Deployment; expected one of: ',
    );
    expect(message).toMatch(
      /imagePullPolicyy is not a field[^:]*: [^;]*\bimagePullPolicy,/,
    );
  });

  it('rejects a wrong type (replicas: "two") and a malformed quantity, naming the field', async () => {
    const { 'deployment.yaml': deployment } = await renderManifests();
    deployment.spec.replicas = 'two';
    deployment.spec.template.spec.containers[0].resources.limits.memory =
      'lots';

    const message = problemsOf(deployment);
    expect(message).toContain('/spec/replicas must be integer');
    expect(message).toContain(
      '/spec/template/spec/containers/0/resources/limits/memory must match',
    );
  });

  it('keeps maps open: extra labels, annotations and node selectors are not unknown fields', async () => {
    const { 'deployment.yaml': deployment } = await renderManifests();
    deployment.metadata.annotations = { 'example.com/owner': 'ml' };
    deployment.spec.template.metadata.labels['example.com/team'] = 'ml';
    deployment.spec.template.spec.nodeSelector['example.com/zone'] = 'a';
    expect(problemsOf(deployment)).toBe('');
  });

  it('rejects unknown fields in the KEDA ScaledObject and the ServiceMonitor, and checks the KEDA field newer than the model', async () => {
    const manifests = await renderManifests();
    const scaledObject = manifests['scaledobject.yaml'];
    expect(scaledObject.spec.initialCooldownPeriod).toBe(300);
    scaledObject.spec.cooldownPeriods = 360;
    scaledObject.spec.initialCooldownPeriod = 'soon';
    const soMessage = problemsOf(scaledObject);
    expect(soMessage).toContain(
      '/spec/cooldownPeriods is not a field of keda.sh/v1alpha1 ScaledObject',
    );
    expect(soMessage).toContain(
      '/spec/initialCooldownPeriod must be integer >= 0',
    );

    const serviceMonitor = manifests['servicemonitor.yaml'];
    serviceMonitor.spec.endpoints[0].scrapeInterval = '15s';
    expect(problemsOf(serviceMonitor)).toContain(
      'Rendered ServiceMonitor llama-8b-chat is invalid: /spec/endpoints/0/scrapeInterval is not a field of monitoring.coreos.com/v1 ServiceMonitor',
    );
  });

  it('checks the PodSpec inside an LLMInferenceService against the core model', async () => {
    const { 'llminferenceservice.yaml': llmisvc } = await renderManifests({
      runtime: 'kserve-llm',
    });
    llmisvc.spec.template.containers[0].volumeMount = [];
    llmisvc.spec.template.terminationGracePeriodSeconds = '60';
    const message = problemsOf(llmisvc);
    expect(message).toContain(
      '/spec/template/containers/0/volumeMount is not a field of v1 PodSpec',
    );
    expect(message).toContain(
      '/spec/template/terminationGracePeriodSeconds must be integer',
    );
  });

  it('names the manifest file of the first invalid object', async () => {
    const manifests = await renderManifests();
    manifests['service.yaml'].spec.port = 80;
    expect(() =>
      validateRenderedManifests(Object.entries(manifests) as any),
    ).toThrow(
      'service.yaml: Rendered Service llama-8b-chat is invalid: /spec/port is not a field of v1 Service',
    );
  });
});
