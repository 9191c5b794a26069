import request from 'supertest';
import yaml from 'yaml';
import { BareGitRepository } from './__testUtils__/bareGitRepository';
import {
  readTemplateForDryRun,
  startScaffolderWithAiPlatform,
} from './__testUtils__/scaffolderDryRun';

const selfHostedValues = {
  name: 'llama-8b-dryrun',
  owner: 'group:default/ml-platform',
  dataClassification: 'internal',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  gpuProfile: 'l4-24gb',
  tensorParallelSize: 1,
  cluster: 'gpu-eu-west-1',
  runtime: 'vllm',
  contextTokens: 8192,
  maxConcurrentSequences: 1,
  minReplicas: 1,
  maxReplicas: 2,
};

function decodeFiles(
  directoryContents: Array<{ path: string; base64Content: string }>,
): Record<string, string> {
  return Object.fromEntries(
    directoryContents.map(f => [
      f.path,
      Buffer.from(f.base64Content, 'base64').toString('utf8'),
    ]),
  );
}

describe('templates/ through the scaffolder dry-run API', () => {
  const gitops = new BareGitRepository();
  let server: Awaited<
    ReturnType<typeof startScaffolderWithAiPlatform>
  >['server'];

  beforeAll(async () => {
    // One existing commit, so a dry run has a branch to clone and a count to keep.
    gitops.commitFromOutside({ 'README.md': '# GitOps\n' }, 'Initial commit');
    ({ server } = await startScaffolderWithAiPlatform({
      gitopsRepository: gitops.path,
    }));
  });
  afterAll(() => gitops.remove());

  async function dryRun(templateName: string, values: object) {
    const { template, directoryContents } = readTemplateForDryRun(templateName);
    return request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send({ template, values, secrets: {}, directoryContents });
  }

  it('self-hosted-endpoint: plans, renders and dry-runs the commit without committing', async () => {
    const response = await dryRun('self-hosted-endpoint', selfHostedValues);

    expect(response.status).toBe(200);
    expect(response.body.steps.map((s: any) => s.action)).toEqual([
      'ai-platform:endpoint:plan',
      'ai-platform:endpoint:render',
      'ai-platform:gitops:commit',
    ]);
    const completed = response.body.log
      .filter((l: any) => l.body.status === 'completed')
      .map((l: any) => l.body.stepId);
    expect(completed).toEqual(['plan', 'render', 'commit']);
    expect(response.body.log.some((l: any) => l.body.status === 'failed')).toBe(
      false,
    );

    const files = decodeFiles(response.body.directoryContents);
    expect(Object.keys(files).sort()).toEqual([
      'rendered/catalog-info.yaml',
      'rendered/deployment.yaml',
      'rendered/gateway/litellm-model.yaml',
      'rendered/poddisruptionbudget.yaml',
      'rendered/scaledobject.yaml',
      'rendered/service.yaml',
      'rendered/servicemonitor.yaml',
    ]);
    const deployment = yaml.parse(files['rendered/deployment.yaml']);
    expect(deployment.metadata).toMatchObject({
      name: 'llama-8b-dryrun',
      namespace: 'llm-shared',
    });
    const entity = yaml.parse(files['rendered/catalog-info.yaml']);
    expect(entity).toMatchObject({
      kind: 'ModelEndpoint',
      metadata: { name: 'llama-8b-dryrun' },
      spec: { owner: 'group:default/ml-platform' },
    });

    const [plan, commit] = response.body.output.text;
    expect(plan.content).toContain(
      'fits: 15.0 GiB weights + 1.0 GiB KV + 2.0 GiB overhead ≤ 20.7 GiB usable',
    );
    expect(commit.content).toContain('on `main`');
    expect(commit.content).toContain(
      'clusters/gpu-eu-west-1/llm-shared/llama-8b-dryrun/deployment.yaml',
    );
    expect(gitops.commitCount()).toBe(1);
  });

  it('self-hosted-endpoint: a 70B model on an L4 fails on memory-fit and commits nothing', async () => {
    const response = await dryRun('self-hosted-endpoint', {
      ...selfHostedValues,
      name: 'llama-70b-dryrun',
      model: 'meta-llama/Llama-3.1-70B-Instruct',
    });

    expect(response.status).toBe(400);
    expect(response.body.error.name).toBe('InputError');
    expect(response.body.error.message).toContain(
      '- memory-fit: meta-llama/Llama-3.1-70B-Instruct with 8192 tokens × 1 sequence(s) on l4-24gb does not fit',
    );
    expect(gitops.commitCount()).toBe(1);
    expect(gitops.listFiles()).toEqual(['README.md']);
  });

  it('managed-model-endpoint: renders the ModelEndpoint from the skeleton and dry-runs the commit', async () => {
    const response = await dryRun('managed-model-endpoint', {
      name: 'gpt-4o-mini-dryrun',
      owner: 'group:default/ml-platform',
      provider: 'openai',
      modelName: 'gpt-4o-mini',
      gatewayModel: 'gpt-4o-mini',
      dataClassification: 'internal',
      monthlyBudgetUsd: 500,
    });

    expect(response.status).toBe(200);
    const completed = response.body.log
      .filter((l: any) => l.body.status === 'completed')
      .map((l: any) => l.body.stepId);
    expect(completed).toEqual(['render', 'commit']);
    const files = decodeFiles(response.body.directoryContents);
    const entity = yaml.parse(files['rendered/catalog-info.yaml']);
    expect(entity).toMatchObject({
      kind: 'ModelEndpoint',
      metadata: { name: 'gpt-4o-mini-dryrun' },
      spec: {
        owner: 'group:default/ml-platform',
        serving: { mode: 'managed', provider: 'openai' },
      },
    });
    expect(response.body.output.text[0].content).toContain(
      'model-endpoints/managed/gpt-4o-mini-dryrun/catalog-info.yaml',
    );
    expect(gitops.commitCount()).toBe(1);
  });
});
