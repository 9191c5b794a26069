// The approval gate spans both plugins: the test runs them in one backend, as the portal does.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import aiPlatformPlugin from '@ai-platform/plugin-ai-platform-backend';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { BareGitRepository, git } from './__testUtils__/bareGitRepository';
import { startScaffolderWithAiPlatform } from './__testUtils__/scaffolderDryRun';
import {
  readTemplateEntity,
  runScaffolderTask,
} from './__testUtils__/scaffolderTaskRun';

jest.setTimeout(90_000);

/** The user the test backend runs scaffolder tasks as (mock credentials). */
const REQUESTER = 'user:default/mock';
const APPROVER = 'user:default/approver';

/** An L4, high-risk agent: governance requires approval. */
function l4Agent(name: string) {
  return {
    name,
    description: 'Resolves refund requests end to end without a human.',
    owner: 'group:default/support-experience',
    type: 'assistant',
    audience: 'internal-tool',
    models: ['modelendpoint:default/claude-sonnet'],
    tools: [],
    gatewayBaseUrl: 'http://localhost:4000/v1',
    apiKeyEnvVar: 'AI_GATEWAY_API_KEY',
    portalUrl: 'http://localhost:7007',
    autonomyLevel: 'L4',
    humanInTheLoop: true,
    riskTier: 'high',
    dataClassification: 'confidential',
    evalMinScore: 0.9,
    ttftP95Ms: 2000,
    monthlyBudgetUsd: 500,
  };
}

function branchesOf(repo: BareGitRepository): string[] {
  return git(
    ['for-each-ref', '--format=%(refname:short)', 'refs/heads'],
    repo.path,
  )
    .split('\n')
    .filter(Boolean)
    .sort();
}

describe('approval gate: templates/agent as a real scaffolder task', () => {
  const gitops = new BareGitRepository();
  let server: Awaited<
    ReturnType<typeof startScaffolderWithAiPlatform>
  >['server'];

  beforeAll(async () => {
    gitops.commitFromOutside({ 'README.md': '# GitOps\n' }, 'Initial commit');
    ({ server } = await startScaffolderWithAiPlatform({
      gitopsRepository: gitops.path,
      extraEntities: [readTemplateEntity('agent')],
      extraFeatures: [aiPlatformPlugin],
    }));
  });
  afterAll(() => gitops.remove());

  async function pendingProposalOf(entityRef: string) {
    const listed = await request(server)
      .get('/api/ai-platform/approvals')
      .set('authorization', mockCredentials.user.header(APPROVER));
    expect(listed.status).toBe(200);
    return listed.body.items.find(
      (a: { entityRef: string }) => a.entityRef === entityRef,
    );
  }

  it('an L4 agent goes to a proposal branch; self-approval is refused; another user approves and it is merged with the approver in the commit and the audit trail', async () => {
    const mainBefore = gitops.head();

    const result = await runScaffolderTask(
      server,
      'agent',
      l4Agent('refund-resolver'),
    );

    expect(result.status).toBe('completed');
    expect(gitops.head()).toBe(mainBefore);
    expect(gitops.listFiles()).toEqual(['README.md']);
    const proposal = await pendingProposalOf('agent:default/refund-resolver');
    expect(proposal).toMatchObject({
      requester: REQUESTER,
      status: 'pending',
      branch: 'main',
      riskTier: 'high',
      targetPath: 'agents/refund-resolver',
    });
    expect(proposal.proposalBranch).toMatch(
      /^proposals\/refund-resolver-[0-9a-f]{8}$/,
    );
    expect(proposal.reasons.length).toBeGreaterThan(0);
    expect(branchesOf(gitops)).toEqual(['main', proposal.proposalBranch]);
    expect(gitops.listFiles(proposal.proposalBranch)).toContain(
      'agents/refund-resolver/catalog-info.yaml',
    );
    // The task output links to the pending approval on the AI Platform page.
    expect(result.output.text).toEqual(
      expect.arrayContaining([
        {
          title: 'Approval',
          content: expect.stringContaining(
            `[Review the pending approval](/ai-platform?approval=${proposal.id})`,
          ),
        },
      ]),
    );
    const detail = await request(server)
      .get(`/api/ai-platform/approvals/${proposal.id}`)
      .set('authorization', mockCredentials.user.header(APPROVER));
    expect(detail.body.diff).toContain(
      '+++ b/agents/refund-resolver/catalog-info.yaml',
    );
    expect(detail.body.diff).toContain('autonomyLevel: L4');

    const self = await request(server)
      .post(`/api/ai-platform/approvals/${proposal.id}/approve`)
      .set('authorization', mockCredentials.user.header(REQUESTER));
    expect(self.status).toBe(403);
    expect(self.body.error.message).toContain('cannot approve it');
    expect(gitops.head()).toBe(mainBefore);

    const approved = await request(server)
      .post(`/api/ai-platform/approvals/${proposal.id}/approve`)
      .set('authorization', mockCredentials.user.header(APPROVER));
    expect(approved.status).toBe(200);
    expect(gitops.listFiles()).toContain(
      'agents/refund-resolver/catalog-info.yaml',
    );
    expect(
      gitops.readFile('agents/refund-resolver/catalog-info.yaml'),
    ).toContain('riskTier: high');
    const mergeMessage = git(['log', '-1', '--format=%B', 'main'], gitops.path);
    expect(mergeMessage).toContain(`Approved-by: ${APPROVER}`);
    expect(mergeMessage).toContain(`Requested-by: ${REQUESTER}`);
    expect(branchesOf(gitops)).toEqual(['main']);

    const audit = await request(server)
      .get('/api/ai-platform/audit/by-entity/agent/default/refund-resolver')
      .set('authorization', mockCredentials.user.header(APPROVER));
    expect(
      audit.body.items.map((e: any) => [e.action, e.actor, e.decision]),
    ).toEqual([
      ['approve', APPROVER, 'approved'],
      ['approval-requested', REQUESTER, 'pending-approval'],
    ]);
  });

  it('a rejected L4 agent never reaches the synced branch', async () => {
    const mainBefore = gitops.head();
    const result = await runScaffolderTask(
      server,
      'agent',
      l4Agent('auto-refunder'),
    );
    expect(result.status).toBe('completed');
    const proposal = await pendingProposalOf('agent:default/auto-refunder');

    const rejected = await request(server)
      .post(`/api/ai-platform/approvals/${proposal.id}/reject`)
      .set('authorization', mockCredentials.user.header(APPROVER))
      .send({ reason: 'Refunds without a human need a risk review first' });
    expect(rejected.status).toBe(200);
    expect(gitops.head()).toBe(mainBefore);
    expect(
      gitops.listFiles().filter(f => f.startsWith('agents/auto-refunder/')),
    ).toEqual([]);
    expect(branchesOf(gitops)).toEqual(['main']);
  });

  it('an L2 agent without approval requirements is committed to the synced branch directly and audited', async () => {
    const commitsBefore = gitops.commitCount();
    const result = await runScaffolderTask(server, 'agent', {
      ...l4Agent('faq-helper'),
      autonomyLevel: 'L2',
      riskTier: 'limited',
    });
    expect(result.status).toBe('completed');
    expect(gitops.commitCount()).toBe(commitsBefore + 1);
    expect(gitops.listFiles()).toContain('agents/faq-helper/catalog-info.yaml');
    const audit = await request(server)
      .get('/api/ai-platform/audit/by-entity/agent/default/faq-helper')
      .set('authorization', mockCredentials.user.header(APPROVER));
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        action: 'commit',
        actor: REQUESTER,
        decision: 'committed',
        riskTier: 'limited',
      }),
    ]);
  });
});
