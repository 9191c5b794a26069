import { BareGitRepository, git } from './__testUtils__/bareGitRepository';
import { selfHostedEndpoint } from './__testUtils__/platformConfig';
import { startScaffolderWithAiPlatform } from './__testUtils__/scaffolderDryRun';
import {
  readTemplateEntity,
  runScaffolderTask,
} from './__testUtils__/scaffolderTaskRun';

jest.setTimeout(120_000);

const NAME = 'llama-8b-race';
const FOLDER = `clusters/gpu-eu-west-1/llm-shared/${NAME}`;

describe('templates/change-model-endpoint when someone else changes the endpoint during the task', () => {
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
        readTemplateEntity('change-model-endpoint'),
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

  it('a scale whose folder gets a concurrent commit between its read and its push is refused, and the concurrent change is kept', async () => {
    // The next push (the change task's commit step) first lands another writer's new file
    // in the endpoint's folder: a rebase would keep it without a conflict.
    gitops.installConcurrentCommitHook(`${FOLDER}/extra-config.yaml`);
    const treeBefore = git(
      ['rev-parse', `refs/heads/main:${FOLDER}`],
      gitops.path,
    );

    const result = await runScaffolderTask(server, 'change-model-endpoint', {
      entityRef: `modelendpoint:default/${NAME}`,
      operation: 'scale',
      minReplicas: 1,
      maxReplicas: 3,
    } as any);

    expect(result.status).toBe('failed');
    const log = result.log.join('\n');
    expect(log).toContain(
      `${FOLDER} on branch 'main' of ${gitops.path} changed since this change was planned; nothing was committed or pushed. Run the template again to re-plan from the current state`,
    );
    expect(git(['log', '-1', '--format=%s', 'main'], gitops.path)).toBe(
      'concurrent',
    );
    expect(gitops.readFile(`${FOLDER}/extra-config.yaml`)).toBe('concurrent');
    // The folder holds the endpoint as before plus the other writer's file, nothing of the scale.
    expect(
      git(
        ['diff', '--name-only', treeBefore, `refs/heads/main:${FOLDER}`],
        gitops.path,
      ),
    ).toBe('extra-config.yaml');

    // Run again: re-planned from the current folder, the change lands.
    const again = await runScaffolderTask(server, 'change-model-endpoint', {
      entityRef: `modelendpoint:default/${NAME}`,
      operation: 'scale',
      minReplicas: 1,
      maxReplicas: 3,
    } as any);
    expect(again.status).toBe('completed');
    expect(git(['log', '-1', '--format=%s', 'main'], gitops.path)).toMatch(
      /^Scale endpoint llama-8b-race: replicas.max 2 → 3/,
    );
  });
});
