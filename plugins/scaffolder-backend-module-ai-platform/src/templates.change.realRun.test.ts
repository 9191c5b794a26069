import { GitopsRepositoryEntityProvider } from '@ai-platform/plugin-catalog-backend-module-ai-platform';
import { mockServices } from '@backstage/backend-test-utils';
import request from 'supertest';
import yaml from 'yaml';
import { BareGitRepository, git } from './__testUtils__/bareGitRepository';
import { selfHostedEndpoint } from './__testUtils__/platformConfig';
import {
  readTemplateForDryRun,
  startScaffolderWithAiPlatform,
} from './__testUtils__/scaffolderDryRun';
import {
  readTemplateEntity,
  runScaffolderTask,
  type ScaffolderTaskResult,
} from './__testUtils__/scaffolderTaskRun';

jest.setTimeout(120_000);

// Like templates.realRun.test.ts, the scaffolder keeps its in-memory SQLite task store: its task
// workers keep polling after a test backend stops, which a destroyed PostgreSQL database fails.

const NAME = 'llama-8b-day2';
const FOLDER = `clusters/gpu-eu-west-1/llm-shared/${NAME}`;
const ENTITY_REF = `modelendpoint:default/${NAME}`;

/** Every ref of the bare repository with the commit it points at. */
function refsOf(repo: BareGitRepository): string {
  return git(['for-each-ref', '--format=%(refname) %(objectname)'], repo.path);
}

/** The git tree id of the endpoint's folder on main: equal trees hold identical files. */
function folderTree(repo: BareGitRepository): string {
  return git(['rev-parse', `refs/heads/main:${FOLDER}`], repo.path);
}

function readYaml(repo: BareGitRepository, file: string): any {
  return yaml.parse(repo.readFile(`${FOLDER}/${file}`));
}

function textOf(result: ScaffolderTaskResult): string {
  return (result.output.text as Array<{ content: string }>)
    .map(t => t.content)
    .join('\n');
}

describe('templates/change-model-endpoint as real scaffolder tasks against a bare GitOps repository', () => {
  const gitops = new BareGitRepository();
  let server: Awaited<
    ReturnType<typeof startScaffolderWithAiPlatform>
  >['server'];

  beforeAll(async () => {
    gitops.commitFromOutside({ 'README.md': '# GitOps\n' }, 'Initial commit');
    ({ server } = await startScaffolderWithAiPlatform({
      gitopsRepository: gitops.path,
      extraEntities: [
        readTemplateEntity('self-hosted-endpoint'),
        readTemplateEntity('managed-model-endpoint'),
        readTemplateEntity('change-model-endpoint'),
        // The catalog after its GitOps sync: the endpoint holds 2 × L4 of the team's quota of 4.
        selfHostedEndpoint({
          name: NAME,
          owner: 'group:default/ml-platform',
          gpuProfile: 'l4-24gb',
          maxReplicas: 2,
        }),
      ],
    }));

    const created = await runScaffolderTask(server, 'self-hosted-endpoint', {
      name: NAME,
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
    });
    if (created.status !== 'completed') {
      throw new Error(
        `creating ${NAME} through the golden path failed:\n${created.log.join(
          '\n',
        )}`,
      );
    }
  });
  afterAll(() => gitops.remove());

  function change(values: Record<string, unknown>) {
    return runScaffolderTask(server, 'change-model-endpoint', {
      entityRef: ENTITY_REF,
      ...values,
    } as any);
  }

  /** Runs a change that must be refused and checks the repository did not move. */
  async function expectRefused(
    values: Record<string, unknown>,
  ): Promise<string> {
    const refsBefore = refsOf(gitops);
    const result = await change(values);
    expect(result.status).toBe('failed');
    const log = result.log.join('\n');
    expect(log).toContain(
      `${values.operation} of ${ENTITY_REF} refused; the GitOps repository is unchanged.`,
    );
    expect(log).toContain(
      'Skipping step commit because a previous step failed',
    );
    expect(refsOf(gitops)).toBe(refsBefore);
    return log;
  }

  it('the golden path records the request it planned beside the manifests, and its serving shape on the entity for the change form', () => {
    expect(
      JSON.parse(
        readYaml(gitops, 'catalog-info.yaml').metadata.annotations[
          'aiplatform.io/endpoint-request'
        ],
      ),
    ).toEqual({
      contextTokens: 8192,
      maxConcurrentSequences: 1,
      tensorParallelSize: 1,
    });
    const record = JSON.parse(
      gitops.readFile(`${FOLDER}/endpoint-request.json`),
    );
    expect(record).toMatchObject({
      kind: 'EndpointRequest',
      request: {
        name: NAME,
        gpuProfile: 'l4-24gb',
        contextTokens: 8192,
        replicas: { min: 1, max: 2 },
      },
    });
  });

  it('scale: 1–2 → 1–4 replicas passes the quota only because the current 2 L4s are counted once, and commits the new bounds with the cost delta', async () => {
    const commitsBefore = gitops.commitCount();

    const result = await change({
      operation: 'scale',
      minReplicas: 1,
      maxReplicas: 4,
    });

    expect(result.status).toBe('completed');
    expect(gitops.commitCount()).toBe(commitsBefore + 1);
    // 4 L4s against a quota of 4: the endpoint's 2 in the catalog are replaced, not added (6 > 4).
    expect(result.log.join('\n')).toContain(
      'PASS gpu-quota: group:default/ml-platform holds 0 nvidia.com/gpu on l4-24gb at max replicas; this endpoint adds 4 (4 replicas × 1): 4 of 4 quota',
    );
    expect(readYaml(gitops, 'scaledobject.yaml').spec.maxReplicaCount).toBe(4);
    expect(readYaml(gitops, 'catalog-info.yaml').spec.serving.replicas).toEqual(
      {
        min: 1,
        max: 4,
      },
    );
    // The golden path stays the entity's source template (the change template is not).
    expect(
      readYaml(gitops, 'catalog-info.yaml').metadata.annotations[
        'backstage.io/source-template'
      ],
    ).toBe('template:default/self-hosted-endpoint');
    const text = textOf(result);
    expect(text).toContain('- replicas.max: 2 → 4');
    // 0.80 USD × 730 h: 2 replicas 1,168.00 → 4 replicas 2,336.00 a month.
    expect(text).toContain(
      'Monthly cost: 1,168.00 → 2,336.00 USD a month at max replicas (+1,168.00)',
    );
    expect(result.output.links).toEqual([
      expect.objectContaining({ entityRef: ENTITY_REF }),
    ]);
    expect(text).toContain(`Commit \`${gitops.head()}\``);
  });

  it('scale as a scaffolder dry run: the change, its cost delta and the would-be changed files, with nothing committed', async () => {
    const refsBefore = refsOf(gitops);
    const { template, directoryContents } = readTemplateForDryRun(
      'change-model-endpoint',
    );
    const response = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send({
        template,
        values: {
          entityRef: ENTITY_REF,
          operation: 'scale',
          minReplicas: 0,
          maxReplicas: 4,
        },
        secrets: {},
        directoryContents,
      });

    expect(response.status).toBe(200);
    expect(
      response.body.log
        .filter((l: any) => l.body.status === 'completed')
        .map((l: any) => l.body.stepId),
    ).toEqual(['change', 'render', 'commit']);
    const text = (response.body.output.text as Array<{ content: string }>)
      .map(t => t.content)
      .join('\n');
    expect(text).toContain('- replicas.min: 1 → 0');
    expect(text).toContain('0.00 at min replicas (−584.00)');
    expect(text).toContain(`${FOLDER}/scaledobject.yaml`);
    expect(refsOf(gitops)).toBe(refsBefore);
  });

  it('scale: the same bounds again make no second commit', async () => {
    const commitsBefore = gitops.commitCount();
    const result = await change({
      operation: 'scale',
      minReplicas: 1,
      maxReplicas: 4,
    });
    expect(result.status).toBe('completed');
    expect(gitops.commitCount()).toBe(commitsBefore);
    expect(textOf(result)).toContain('No new commit');
  });

  it('scale: beyond the GPU quota is refused naming the rule, and the repository is unchanged', async () => {
    const log = await expectRefused({
      operation: 'scale',
      minReplicas: 1,
      maxReplicas: 5,
    });
    expect(log).toMatch(/- gpu-quota: .*5 exceeds the quota of 4/);
  });

  it('change: a model that does not fit the GPU profile is refused by memory-fit, and the repository is unchanged', async () => {
    const log = await expectRefused({
      operation: 'change',
      model: 'meta-llama/Llama-3.1-70B-Instruct',
    });
    expect(log).toMatch(
      /- memory-fit: meta-llama\/Llama-3.1-70B-Instruct with 8192 tokens × 1 sequence\(s\) on l4-24gb does not fit/,
    );
  });

  it('change: runtime vLLM → KServe and a 16k context re-render the workload and update the LiteLLM route entry', async () => {
    const routeBefore = gitops.readFile(`${FOLDER}/gateway/litellm-model.yaml`);
    const result = await change({
      operation: 'change',
      runtime: 'kserve',
      contextTokens: 16384,
    });

    expect(result.status).toBe('completed');
    const files = gitops.listFiles().filter(f => f.startsWith(`${FOLDER}/`));
    expect(files).toEqual([
      `${FOLDER}/catalog-info.yaml`,
      `${FOLDER}/endpoint-request.json`,
      `${FOLDER}/gateway/litellm-model.yaml`,
      `${FOLDER}/inferenceservice.yaml`,
    ]);
    const route = readYaml(gitops, 'gateway/litellm-model.yaml');
    expect(route.model_list[0].litellm_params.api_base).toBe(
      `http://${NAME}-predictor.llm-shared.svc.cluster.local/openai/v1`,
    );
    expect(route.model_list[0].model_name).toBe(NAME);
    expect(gitops.readFile(`${FOLDER}/gateway/litellm-model.yaml`)).not.toBe(
      routeBefore,
    );
    expect(gitops.readFile(`${FOLDER}/inferenceservice.yaml`)).toContain(
      '--max_model_len=16384',
    );
    const text = textOf(result);
    expect(text).toContain('- runtime: vllm → kserve');
    expect(text).toContain('- contextTokens: 8192 → 16384');
    expect(text).toContain('(±0.00)');
  });

  let treeBeforePause: string;

  it('pause: min = max = 0 keeps the entity, stops the pods and records the replicas to resume', async () => {
    treeBeforePause = folderTree(gitops);
    const result = await change({ operation: 'pause' });

    expect(result.status).toBe('completed');
    const entity = readYaml(gitops, 'catalog-info.yaml');
    expect(entity.metadata.name).toBe(NAME);
    expect(entity.spec.serving.replicas).toEqual({ min: 0, max: 0 });
    expect(
      JSON.parse(entity.metadata.annotations['aiplatform.io/endpoint-request'])
        .pausedFrom,
    ).toEqual({ min: 1, max: 4 });
    const isvc = readYaml(gitops, 'inferenceservice.yaml');
    expect(isvc.metadata.annotations['serving.kserve.io/stop']).toBe('true');
    expect(isvc.spec.predictor.minReplicas).toBe(0);
    expect(
      JSON.parse(gitops.readFile(`${FOLDER}/endpoint-request.json`)),
    ).toMatchObject({
      request: { replicas: { min: 0, max: 0 } },
      pausedFrom: { min: 1, max: 4 },
    });
    expect(textOf(result)).toContain(
      'Monthly cost: 2,336.00 → 0.00 USD a month at max replicas (−2,336.00)',
    );
  });

  it('pause: an endpoint already paused is refused, and the repository is unchanged', async () => {
    const log = await expectRefused({ operation: 'pause' });
    expect(log).toContain(`ModelEndpoint '${NAME}' is already paused`);
  });

  it('scale: a paused endpoint is refused until resumed', async () => {
    const log = await expectRefused({
      operation: 'scale',
      minReplicas: 1,
      maxReplicas: 2,
    });
    expect(log).toContain('is paused; resume it first');
  });

  it('resume: restores the replicas before the pause, file for file', async () => {
    const result = await change({ operation: 'resume' });

    expect(result.status).toBe('completed');
    expect(folderTree(gitops)).toBe(treeBeforePause);
    expect(textOf(result)).toContain('- replicas.max: 0 → 4');
  });

  it('decommission: removes the manifests, the gateway route and catalog-info.yaml and nothing else, and the GitOps catalog provider drops the entity', async () => {
    gitops.commitFromOutside(
      {
        'model-endpoints/managed/gpt-4o-mini/catalog-info.yaml': yaml.stringify(
          {
            apiVersion: 'aiplatform.io/v1alpha1',
            kind: 'ModelEndpoint',
            metadata: { name: 'gpt-4o-mini' },
            spec: {
              type: 'chat',
              lifecycle: 'production',
              owner: 'group:default/ml-platform',
              model: { name: 'gpt-4o-mini' },
              serving: { mode: 'managed', provider: 'openai' },
              dataClassification: 'internal',
            },
          },
        ),
      },
      'Another endpoint',
    );
    // The catalog's side: the provider the catalog module runs, reading the same branch.
    const provider = new GitopsRepositoryEntityProvider({
      repository: gitops.path,
      branch: 'main',
      logger: mockServices.logger.mock(),
    });
    const applyMutation = jest.fn(async (_mutation: unknown) => {});
    await provider.connect({ applyMutation, refresh: jest.fn() });
    const catalogNames = async () => {
      await provider.refresh();
      const mutation = applyMutation.mock.calls.at(-1)![0] as {
        type: string;
        entities: Array<{
          entity: { kind: string; metadata: { name: string } };
        }>;
      };
      expect(mutation.type).toBe('full');
      return mutation.entities
        .map(e => `${e.entity.kind}:${e.entity.metadata.name}`)
        .sort();
    };
    expect(await catalogNames()).toEqual([
      'ModelEndpoint:gpt-4o-mini',
      `ModelEndpoint:${NAME}`,
    ]);
    const otherFiles = gitops
      .listFiles()
      .filter(f => !f.startsWith(`${FOLDER}/`));
    const commitsBefore = gitops.commitCount();

    const result = await change({
      operation: 'decommission',
      confirmDecommission: true,
    });

    expect(result.status).toBe('completed');
    expect(gitops.commitCount()).toBe(commitsBefore + 1);
    expect(gitops.listFiles()).toEqual(otherFiles);
    expect(git(['log', '-1', '--format=%s', 'main'], gitops.path)).toBe(
      `Decommission endpoint ${NAME}: remove ${FOLDER}`,
    );
    expect(textOf(result)).toContain(
      'Monthly cost: 2,336.00 → 0.00 USD a month at max replicas (−2,336.00)',
    );
    // The next sync's full mutation no longer holds the endpoint: the catalog deletes it.
    expect(await catalogNames()).toEqual(['ModelEndpoint:gpt-4o-mini']);
  });

  it('decommission: an endpoint no longer in the repository fails naming it, with no commit', async () => {
    const refsBefore = refsOf(gitops);
    const result = await change({
      operation: 'decommission',
      confirmDecommission: true,
    });
    expect(result.status).toBe('failed');
    expect(result.log.join('\n')).toContain(
      `ModelEndpoint '${NAME}' is not in the GitOps repository: no catalog-info.yaml on branch 'main'`,
    );
    expect(refsOf(gitops)).toBe(refsBefore);
  });
  it('change: a managed endpoint moves to another model revision; its LiteLLM route entry follows and the gateway alias stays', async () => {
    const created = await runScaffolderTask(server, 'managed-model-endpoint', {
      name: 'gpt-mini-day2',
      owner: 'group:default/ml-platform',
      provider: 'openai',
      modelName: 'gpt-4o-mini',
      gatewayModel: 'team-mini',
      dataClassification: 'internal',
      monthlyBudgetUsd: 250,
    });
    expect(created.status).toBe('completed');
    const folder = 'model-endpoints/managed/gpt-mini-day2';
    const routeBefore = gitops.readFile(`${folder}/gateway/litellm-model.yaml`);
    const commitsBefore = gitops.commitCount();

    const result = await runScaffolderTask(server, 'change-model-endpoint', {
      entityRef: 'modelendpoint:default/gpt-mini-day2',
      operation: 'change',
      model: 'gpt-4o-mini-2024-07-18',
    });

    expect(result.status).toBe('completed');
    expect(gitops.commitCount()).toBe(commitsBefore + 1);
    const routeAfter = gitops.readFile(`${folder}/gateway/litellm-model.yaml`);
    const route = yaml.parse(routeAfter);
    expect(route.model_list[0].model_name).toBe('team-mini');
    expect(route.model_list[0].litellm_params.model).toBe(
      'openai/gpt-4o-mini-2024-07-18',
    );
    expect(route.model_list[0].litellm_params.api_key).toBe(
      'os.environ/OPENAI_API_KEY',
    );
    // Only the model line changed; the file's comments and other keys are kept.
    expect(
      routeAfter.split('\n').filter(l => !routeBefore.includes(l)),
    ).toEqual(['      model: openai/gpt-4o-mini-2024-07-18']);
    expect(
      yaml.parse(gitops.readFile(`${folder}/catalog-info.yaml`)).spec.model
        .name,
    ).toBe('gpt-4o-mini-2024-07-18');
    const text = textOf(result);
    expect(text).toContain('- model: gpt-4o-mini → gpt-4o-mini-2024-07-18');
    expect(text).toContain(
      'no GPU cost: a managed endpoint is priced per token by its provider',
    );
  });

  it('scale: a managed endpoint is refused (no replicas), and the repository is unchanged', async () => {
    const refsBefore = refsOf(gitops);
    const result = await runScaffolderTask(server, 'change-model-endpoint', {
      entityRef: 'modelendpoint:default/gpt-mini-day2',
      operation: 'scale',
      maxReplicas: 2,
    });
    expect(result.status).toBe('failed');
    expect(result.log.join('\n')).toContain(
      "ModelEndpoint 'gpt-mini-day2' is a managed endpoint (provider openai): it has no replicas, GPU profile or runtime to change; only a model change or decommission applies to it",
    );
    expect(refsOf(gitops)).toBe(refsBefore);
  });
});
