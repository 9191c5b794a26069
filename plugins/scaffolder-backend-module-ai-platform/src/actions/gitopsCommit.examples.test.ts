import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { BareGitRepository } from '../__testUtils__/bareGitRepository';
import { createAiPlatformGitopsCommitAction } from './gitopsCommit';
import { examples } from './gitopsCommit.examples';

jest.setTimeout(60_000);

describe('ai-platform:gitops:commit examples', () => {
  const workspace = createMockDirectory();
  let repo: BareGitRepository;

  beforeEach(() => {
    repo = new BareGitRepository();
    workspace.clear();
  });

  afterEach(() => {
    repo.remove();
  });

  it('are attached to the action', () => {
    const action = createAiPlatformGitopsCommitAction({
      config: new ConfigReader({}),
    });
    expect(action.examples).toBe(examples);
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples.map(example => [example.description, example]))(
    'runs: %s',
    async (_description, example) => {
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe('ai-platform:gitops:commit');
      workspace.setContent({
        [`${step.input.sourcePath}/deployment.yaml`]: 'kind: Deployment\n',
        [`${step.input.sourcePath}/service.yaml`]: 'kind: Service\n',
      });
      const action = createAiPlatformGitopsCommitAction({
        config: new ConfigReader({
          aiPlatform: { gitops: { repository: repo.path } },
        }),
      });
      const ctx = createMockActionContext({
        input: step.input,
        workspacePath: workspace.path,
        logger: mockServices.logger.mock(),
      });

      await action.handler(ctx);

      const branch = step.input.branch ?? 'main';
      expect(repo.listFiles(branch)).toEqual([
        `${step.input.targetPath}/deployment.yaml`,
        `${step.input.targetPath}/service.yaml`,
      ]);
      expect(ctx.output).toHaveBeenCalledWith('commitId', repo.head(branch));
      expect(ctx.output).toHaveBeenCalledWith('created', true);
    },
  );
});
