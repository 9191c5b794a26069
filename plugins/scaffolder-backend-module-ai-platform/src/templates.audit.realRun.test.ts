// The audit trail spans both plugins: the test runs them in one backend, as the portal does.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import aiPlatformPlugin from '@ai-platform/plugin-ai-platform-backend';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { BareGitRepository } from './__testUtils__/bareGitRepository';
import {
  readTemplateForDryRun,
  startScaffolderWithAiPlatform,
} from './__testUtils__/scaffolderDryRun';
import {
  readTemplateEntity,
  runScaffolderTask,
} from './__testUtils__/scaffolderTaskRun';

jest.setTimeout(90_000);

/** The user the test backend runs scaffolder tasks as (mock credentials). */
const REQUESTER = 'user:default/mock';

const selfHostedValues = {
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

describe('audit trail: templates/self-hosted-endpoint as real scaffolder tasks', () => {
  const gitops = new BareGitRepository();
  let server: Awaited<
    ReturnType<typeof startScaffolderWithAiPlatform>
  >['server'];

  beforeAll(async () => {
    gitops.commitFromOutside({ 'README.md': '# GitOps\n' }, 'Initial commit');
    ({ server } = await startScaffolderWithAiPlatform({
      gitopsRepository: gitops.path,
      extraEntities: [readTemplateEntity('self-hosted-endpoint')],
      extraFeatures: [aiPlatformPlugin],
    }));
  });
  afterAll(() => gitops.remove());

  async function auditTrailOf(name: string) {
    const response = await request(server)
      .get(`/api/ai-platform/audit/by-entity/modelendpoint/default/${name}`)
      .set('authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    return response.body.items as any[];
  }

  it('a refused plan is in the endpoint audit trail with every failed rule, though the task failed at plan', async () => {
    const result = await runScaffolderTask(server, 'self-hosted-endpoint', {
      ...selfHostedValues,
      name: 'llama-70b-refused',
      model: 'meta-llama/Llama-3.1-70B-Instruct',
      gpuProfile: 'h100-80gb',
      tensorParallelSize: 4,
      maxReplicas: 6,
    });
    expect(result.status).toBe('failed');

    const trail = await auditTrailOf('llama-70b-refused');
    expect(trail).toEqual([
      expect.objectContaining({
        action: 'plan',
        actor: REQUESTER,
        decision: 'refused',
        details: expect.objectContaining({ taskId: result.taskId }),
      }),
    ]);
    expect(trail[0].reasons).toEqual([
      expect.stringMatching(/^gpu-quota: .*28 exceeds the quota of 8$/),
      expect.stringMatching(/^monthly-budget: /),
      expect.stringMatching(/^policy:endpoint-cost-cap: /),
    ]);
  });

  it('an allowed plan and its commit are both in the trail, newest first', async () => {
    const result = await runScaffolderTask(server, 'self-hosted-endpoint', {
      ...selfHostedValues,
      name: 'llama-8b-audited',
    });
    expect(result.status).toBe('completed');

    expect(
      (await auditTrailOf('llama-8b-audited')).map(e => [
        e.action,
        e.actor,
        e.decision,
        e.details.taskId,
      ]),
    ).toEqual([
      ['commit', REQUESTER, 'committed', result.taskId],
      ['plan', REQUESTER, 'allowed', result.taskId],
    ]);
  });

  it('a dry run of the same template records nothing', async () => {
    const { template, directoryContents } = readTemplateForDryRun(
      'self-hosted-endpoint',
    );
    const response = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send({
        template,
        values: { ...selfHostedValues, name: 'llama-8b-dry-audit' },
        secrets: {},
        directoryContents,
      });
    expect(response.status).toBe(200);
    expect(
      response.body.log
        .filter((l: any) => l.body.status === 'completed')
        .map((l: any) => l.body.stepId),
    ).toEqual(['plan', 'render', 'commit']);

    expect(await auditTrailOf('llama-8b-dry-audit')).toEqual([]);
  });
});
