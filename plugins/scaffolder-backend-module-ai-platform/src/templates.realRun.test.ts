import { BareGitRepository, git } from './__testUtils__/bareGitRepository';
import { startScaffolderWithAiPlatform } from './__testUtils__/scaffolderDryRun';
import {
  readTemplateEntity,
  runScaffolderTask,
} from './__testUtils__/scaffolderTaskRun';

jest.setTimeout(60_000);

const selfHostedValues = {
  name: 'llama-8b-real',
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

/** Every ref of the bare repository with the commit it points at. */
function refsOf(repo: BareGitRepository): string {
  return git(['for-each-ref', '--format=%(refname) %(objectname)'], repo.path);
}

describe('templates/ as real scaffolder tasks (not dry runs)', () => {
  const gitops = new BareGitRepository();
  let server: Awaited<
    ReturnType<typeof startScaffolderWithAiPlatform>
  >['server'];

  beforeAll(async () => {
    gitops.commitFromOutside({ 'README.md': '# GitOps\n' }, 'Initial commit');
    ({ server } = await startScaffolderWithAiPlatform({
      gitopsRepository: gitops.path,
      extraEntities: [
        'self-hosted-endpoint',
        'managed-model-endpoint',
        'agent',
      ].map(readTemplateEntity),
    }));
  });
  afterAll(() => gitops.remove());

  it('self-hosted-endpoint: a request over the GPU quota and the budget fails at plan, lists every failed rule, and leaves the GitOps repository unchanged', async () => {
    const refsBefore = refsOf(gitops);
    const commitsBefore = gitops.commitCount();

    // 70B on 4 × H100 per replica, up to 6 replicas: 24 H100s against a quota of 8, and
    // 6 × 4 × 3.20 USD × 730 h ≈ 56,064 USD a month against a 30,000 USD budget.
    const result = await runScaffolderTask(server, 'self-hosted-endpoint', {
      ...selfHostedValues,
      name: 'llama-70b-too-big',
      model: 'meta-llama/Llama-3.1-70B-Instruct',
      gpuProfile: 'h100-80gb',
      tensorParallelSize: 4,
      minReplicas: 1,
      maxReplicas: 6,
    });

    expect(result.status).toBe('failed');
    const failure = result.log.join('\n');
    expect(failure).toContain(
      "Endpoint 'llama-70b-too-big' was not planned: 3 rule(s) failed:",
    );
    expect(failure).toMatch(/- gpu-quota: .*28 exceeds the quota of 8/);
    expect(failure).toMatch(/- monthly-budget: /);
    expect(failure).toMatch(/- policy:endpoint-cost-cap: /);
    // The steps after the plan never ran.
    expect(failure).toContain(
      'Skipping step commit because a previous step failed',
    );
    expect(failure).not.toMatch(/Rendered \d+ file/);
    expect(refsOf(gitops)).toBe(refsBefore);
    expect(gitops.commitCount()).toBe(commitsBefore);
    expect(gitops.listFiles()).toEqual(['README.md']);
  });

  it('self-hosted-endpoint: an approved request commits the manifests, route and entity once', async () => {
    const commitsBefore = gitops.commitCount();

    const result = await runScaffolderTask(
      server,
      'self-hosted-endpoint',
      selfHostedValues,
    );

    expect(result.status).toBe('completed');
    expect(gitops.commitCount()).toBe(commitsBefore + 1);
    expect(gitops.listFiles()).toEqual(
      expect.arrayContaining([
        'clusters/gpu-eu-west-1/llm-shared/llama-8b-real/catalog-info.yaml',
        'clusters/gpu-eu-west-1/llm-shared/llama-8b-real/deployment.yaml',
        'clusters/gpu-eu-west-1/llm-shared/llama-8b-real/gateway/litellm-model.yaml',
      ]),
    );
  });

  it('managed-model-endpoint: commits the route and the entity, and a retried identical run makes no second commit', async () => {
    const values = {
      name: 'gpt-4o-mini-real',
      owner: 'group:default/ml-platform',
      provider: 'openai',
      modelName: 'gpt-4o-mini',
      gatewayModel: 'gpt-4o-mini-real',
      dataClassification: 'internal',
      monthlyBudgetUsd: 250,
    };
    const commitsBefore = gitops.commitCount();

    const first = await runScaffolderTask(
      server,
      'managed-model-endpoint',
      values,
    );
    expect(first.status).toBe('completed');
    expect(gitops.commitCount()).toBe(commitsBefore + 1);
    expect(
      gitops.readFile(
        'model-endpoints/managed/gpt-4o-mini-real/gateway/litellm-model.yaml',
      ),
    ).toContain('api_key: os.environ/OPENAI_API_KEY');
    expect(
      gitops.readFile(
        'model-endpoints/managed/gpt-4o-mini-real/catalog-info.yaml',
      ),
    ).toContain('monthlyUsd: 250');

    const again = await runScaffolderTask(
      server,
      'managed-model-endpoint',
      values,
    );
    expect(again.status).toBe('completed');
    expect(gitops.commitCount()).toBe(commitsBefore + 1);
  });

  it('agent: commits the service skeleton with its Agent entity under agents/<name>', async () => {
    const commitsBefore = gitops.commitCount();

    const result = await runScaffolderTask(server, 'agent', {
      name: 'ticket-summarizer-real',
      description: 'Summarizes long support tickets for the on-call engineer.',
      owner: 'group:default/support-experience',
      type: 'assistant',
      audience: 'internal-tool',
      models: ['modelendpoint:default/claude-sonnet'],
      tools: [],
      gatewayBaseUrl: 'http://localhost:4000/v1',
      apiKeyEnvVar: 'AI_GATEWAY_API_KEY',
      portalUrl: 'http://localhost:7007',
      autonomyLevel: 'L3',
      humanInTheLoop: true,
      riskTier: 'limited',
      dataClassification: 'confidential',
      evalMinScore: 0.8,
      // An L3 agent needs an SLO and a budget (aiPlatform.governance defaults).
      ttftP95Ms: 1500,
      monthlyBudgetUsd: 300,
    });

    expect(result.status).toBe('completed');
    expect(gitops.commitCount()).toBe(commitsBefore + 1);
    expect(
      gitops
        .listFiles()
        .filter(f => f.startsWith('agents/ticket-summarizer-real/')),
    ).toEqual([
      'agents/ticket-summarizer-real/README.md',
      'agents/ticket-summarizer-real/catalog-info.yaml',
      'agents/ticket-summarizer-real/evals/promptfooconfig.yaml',
      'agents/ticket-summarizer-real/package.json',
      'agents/ticket-summarizer-real/src/index.ts',
      'agents/ticket-summarizer-real/src/telemetry.ts',
      'agents/ticket-summarizer-real/tsconfig.json',
    ]);
    expect(result.output.links).toEqual([
      expect.objectContaining({
        entityRef: 'agent:default/ticket-summarizer-real',
      }),
    ]);
  });
});
