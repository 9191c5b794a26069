import { validateAgentEntity } from '@ai-platform/plugin-ai-platform-common';
import request from 'supertest';
import yaml from 'yaml';
import { BareGitRepository } from './__testUtils__/bareGitRepository';
import { findLiteralSecrets } from './validate/literalSecrets';
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

const agentValues = {
  name: 'ticket-summarizer',
  description: 'Summarizes long support tickets for the on-call engineer.',
  owner: 'group:default/support-experience',
  system: 'system:default/support-assistant',
  type: 'assistant',
  audience: 'internal-tool',
  models: [
    'modelendpoint:default/claude-sonnet',
    'modelendpoint:default/gpt-4o',
  ],
  tools: ['api:default/zendesk-mcp'],
  gatewayBaseUrl: 'https://llm-gateway.acme.internal/v1',
  apiKeyEnvVar: 'TICKET_SUMMARIZER_GATEWAY_KEY',
  portalUrl: 'https://portal.acme.internal',
  autonomyLevel: 'L2',
  humanInTheLoop: true,
  riskTier: 'limited',
  dataClassification: 'internal',
  evalMinScore: 0.85,
  monthlyBudgetUsd: 300,
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
      'rendered/endpoint-request.json',
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

  it('self-hosted-endpoint: a model and GPU profile outside the platform config are rejected by the plan, naming both', async () => {
    const response = await dryRun('self-hosted-endpoint', {
      ...selfHostedValues,
      name: 'unknown-things',
      model: 'acme/not-approved-13B',
      gpuProfile: 'a100-80gb',
    });

    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(
      /- known-model: .*acme\/not-approved-13B/,
    );
    expect(response.body.error.message).toMatch(
      /- known-gpu-profile: .*a100-80gb/,
    );
    expect(gitops.commitCount()).toBe(1);
  });

  it('managed-model-endpoint: renders the ModelEndpoint with its budget and the LiteLLM route, validates both and dry-runs the commit', async () => {
    const response = await dryRun('managed-model-endpoint', {
      name: 'gpt-4o-mini-dryrun',
      owner: 'group:default/ml-platform',
      provider: 'openai',
      modelName: 'gpt-4o-mini',
      gatewayModel: 'gpt-4o-mini',
      dataClassification: 'internal',
      monthlyBudgetUsd: 500,
      inputPerMillionTokensUsd: 0.15,
      outputPerMillionTokensUsd: 2,
    });

    expect(response.status).toBe(200);
    const completed = response.body.log
      .filter((l: any) => l.body.status === 'completed')
      .map((l: any) => l.body.stepId);
    expect(completed).toEqual(['render', 'validate', 'commit']);
    const files = decodeFiles(response.body.directoryContents);
    expect(Object.keys(files).sort()).toEqual([
      'rendered/catalog-info.yaml',
      'rendered/gateway/litellm-model.yaml',
    ]);
    const entity = yaml.parse(files['rendered/catalog-info.yaml']);
    expect(entity).toMatchObject({
      kind: 'ModelEndpoint',
      metadata: { name: 'gpt-4o-mini-dryrun' },
      spec: {
        owner: 'group:default/ml-platform',
        serving: { mode: 'managed', provider: 'openai' },
        gateway: { model: 'gpt-4o-mini' },
        budget: { monthlyUsd: 500 },
        pricing: {
          inputPerMillionTokensUsd: 0.15,
          outputPerMillionTokensUsd: 2,
        },
      },
    });
    expect(yaml.parse(files['rendered/gateway/litellm-model.yaml'])).toEqual({
      model_list: [
        {
          model_name: 'gpt-4o-mini',
          litellm_params: {
            model: 'openai/gpt-4o-mini',
            api_key: 'os.environ/OPENAI_API_KEY',
            input_cost_per_token: 0.00000015,
            output_cost_per_token: 0.000002,
            max_budget: 500,
            budget_duration: '1mo',
          },
          model_info: {
            mode: 'chat',
            backstage_entity_ref: 'modelendpoint:default/gpt-4o-mini-dryrun',
            data_classification: 'internal',
          },
        },
      ],
    });
    // Written as decimals, so YAML 1.1 parsers (PyYAML in LiteLLM) read numbers, not strings.
    expect(files['rendered/gateway/litellm-model.yaml']).toContain(
      'output_cost_per_token: 0.000002000000',
    );
    expect(response.body.output.links[0].entityRef).toBe(
      'modelendpoint:default/gpt-4o-mini-dryrun',
    );
    expect(response.body.output.text[0].content).toContain(
      'model-endpoints/managed/gpt-4o-mini-dryrun/gateway/litellm-model.yaml',
    );
    expect(gitops.commitCount()).toBe(1);
  });

  it.each([
    [
      'bedrock',
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      undefined,
      {
        model: 'bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0',
        aws_access_key_id: 'os.environ/AWS_ACCESS_KEY_ID',
        aws_secret_access_key: 'os.environ/AWS_SECRET_ACCESS_KEY',
        aws_region_name: 'os.environ/AWS_REGION_NAME',
      },
    ],
    [
      'azure-openai',
      'gpt-4o-eu',
      'AZURE_EU_API_KEY',
      {
        model: 'azure/gpt-4o-eu',
        api_key: 'os.environ/AZURE_EU_API_KEY',
        api_base: 'os.environ/AZURE_API_BASE',
        api_version: 'os.environ/AZURE_API_VERSION',
      },
    ],
    [
      'anthropic',
      'claude-sonnet-4-5',
      undefined,
      {
        model: 'anthropic/claude-sonnet-4-5',
        api_key: 'os.environ/ANTHROPIC_API_KEY',
      },
    ],
  ])(
    'managed-model-endpoint: the %s route references its credentials from the gateway environment',
    async (provider, modelName, credentialEnvVar, litellmParams) => {
      const response = await dryRun('managed-model-endpoint', {
        name: `${provider}-dryrun`,
        owner: 'group:default/ml-platform',
        provider,
        modelName,
        gatewayModel: `${provider}-chat`,
        dataClassification: 'internal',
        ...(credentialEnvVar ? { credentialEnvVar } : {}),
      });
      expect(response.status).toBe(200);
      const files = decodeFiles(response.body.directoryContents);
      const route = yaml.parse(files['rendered/gateway/litellm-model.yaml']);
      expect(route.model_list[0].model_name).toBe(`${provider}-chat`);
      expect(route.model_list[0].litellm_params).toEqual(litellmParams);
      expect(yaml.parse(files['rendered/catalog-info.yaml']).spec.budget).toBe(
        undefined,
      );
    },
  );

  it('agent: renders the service skeleton and a valid Agent entity from the inputs, and dry-runs the commit', async () => {
    const response = await dryRun('agent', agentValues);

    expect(response.status).toBe(200);
    expect(response.body.steps.map((s: any) => s.action)).toEqual([
      'catalog:fetch',
      'fetch:template',
      'ai-platform:entity:validate',
      'ai-platform:gitops:commit',
    ]);
    const completed = response.body.log
      .filter((l: any) => l.body.status === 'completed')
      .map((l: any) => l.body.stepId);
    expect(completed).toEqual(['models', 'render', 'validate', 'commit']);

    const files = decodeFiles(response.body.directoryContents);
    expect(Object.keys(files).sort()).toEqual([
      'agent/README.md',
      'agent/catalog-info.yaml',
      'agent/evals/promptfooconfig.yaml',
      'agent/package.json',
      'agent/src/index.ts',
      'agent/src/telemetry.ts',
      'agent/tsconfig.json',
    ]);
    for (const [filePath, content] of Object.entries(files)) {
      // Every template expression was rendered.
      expect({ filePath, leftover: content.includes('${{') }).toEqual({
        filePath,
        leftover: false,
      });
    }
    expect(
      findLiteralSecrets(
        Object.entries(files).map(([p, content]) => ({ path: p, content })),
      ),
    ).toEqual([]);

    const entity = validateAgentEntity(
      yaml.parse(files['agent/catalog-info.yaml']),
    );
    expect(entity.metadata.name).toBe('ticket-summarizer');
    expect(entity.spec).toEqual({
      type: 'assistant',
      lifecycle: 'experimental',
      owner: 'group:default/support-experience',
      system: 'system:default/support-assistant',
      audience: 'internal-tool',
      autonomyLevel: 'L2',
      humanInTheLoop: true,
      riskTier: 'limited',
      models: agentValues.models,
      tools: agentValues.tools,
      gateway: { agentId: 'ticket-summarizer' },
      evals: [
        expect.objectContaining({
          suite: 'ticket-summarizer-golden-set',
          minScore: 0.85,
        }),
      ],
      budget: { monthlyUsd: 300 },
      dataClassification: 'internal',
    });

    const packageJson = JSON.parse(files['agent/package.json']);
    expect(packageJson.name).toBe('ticket-summarizer');
    expect(packageJson.description).toBe(agentValues.description);
    expect(Object.keys(packageJson.dependencies)).toEqual(
      expect.arrayContaining([
        'openai',
        '@opentelemetry/instrumentation-openai',
        '@opentelemetry/exporter-trace-otlp-http',
      ]),
    );

    const index = files['agent/src/index.ts'];
    // The default model is the first endpoint's gateway alias (claude-sonnet's spec.gateway.model).
    expect(index).toContain("process.env.AI_GATEWAY_MODEL ?? 'claude-sonnet'");
    expect(index).toContain(
      "process.env.AI_GATEWAY_BASE_URL ?? 'https://llm-gateway.acme.internal/v1'",
    );
    expect(index).toContain(
      "const API_KEY_ENV_VAR = 'TICKET_SUMMARIZER_GATEWAY_KEY';",
    );
    expect(index).toContain('process.env[API_KEY_ENV_VAR]');
    expect(index).toContain(
      'const PURPOSE: string = "Summarizes long support tickets for the on-call engineer.";',
    );
    const telemetry = files['agent/src/telemetry.ts'];
    expect(telemetry).toContain("export const AGENT_ID = 'ticket-summarizer';");
    expect(telemetry).toContain('/api/ai-platform/v1/traces');
    expect(telemetry).toContain("'https://portal.acme.internal'");
    expect(telemetry).toContain(
      "span.setAttribute('gen_ai.agent.name', AGENT_ID)",
    );

    const evals = yaml.parse(files['agent/evals/promptfooconfig.yaml']);
    expect(evals.description).toBe('ticket-summarizer-golden-set');
    expect(evals.providers[0]).toEqual({
      id: 'openai:chat:claude-sonnet',
      config: {
        apiBaseUrl: 'https://llm-gateway.acme.internal/v1',
        apiKeyEnvar: 'TICKET_SUMMARIZER_GATEWAY_KEY',
        temperature: 0,
      },
    });
    expect(evals.tests.length).toBeGreaterThanOrEqual(2);
    // promptfoo's own {{var}} placeholders survive the scaffolder's templating.
    expect(evals.prompts[0].raw).toContain('{{question}}');

    expect(response.body.output.links[0].entityRef).toBe(
      'agent:default/ticket-summarizer',
    );
    expect(response.body.output.text[1].content).toContain(
      'agents/ticket-summarizer/catalog-info.yaml',
    );
    expect(gitops.commitCount()).toBe(1);
  });

  it('agent: a model endpoint not approved for the data classification fails validation and commits nothing', async () => {
    const response = await dryRun('agent', {
      ...agentValues,
      name: 'confidential-summarizer',
      dataClassification: 'confidential',
      tools: ['api:default/zendesk-mcp', 'api:default/no-such-mcp'],
    });

    expect(response.status).toBe(400);
    expect(response.body.error.name).toBe('InputError');
    expect(response.body.error.message).toContain(
      '- spec.models[1]: modelendpoint:default/gpt-4o is approved for internal data only, but the agent handles confidential data',
    );
    expect(response.body.error.message).toContain(
      '- spec.tools[1]: api:default/no-such-mcp is not in the catalog',
    );
    expect(gitops.commitCount()).toBe(1);
    expect(gitops.listFiles()).toEqual(['README.md']);
  });
});
