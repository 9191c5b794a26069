import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  startIngestTestBackend,
  TEST_DATABASE_IDS,
} from '../__testUtils__/ingestTestBackend';

jest.setTimeout(60_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const asUser = (ref: string) => mockCredentials.user.header(ref);

function git(args: string[], cwd: string): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** A bare GitOps repository with README.md on main. */
function createGitopsRepository() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ai-platform-approvals-'));
  const bare = path.join(root, 'gitops.git');
  git(['init', '--quiet', '--bare', '-b', 'main', bare], root);
  const clone = path.join(root, 'clone');
  git(['clone', '--quiet', bare, clone], root);
  git(['checkout', '--quiet', '-b', 'main'], clone);
  writeFileSync(path.join(clone, 'README.md'), '# GitOps\n');
  git(['add', '--all'], clone);
  git(['commit', '--quiet', '-m', 'Initial commit'], clone);
  git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], clone);
  return {
    root,
    bare,
    /** Commits `files` to a new proposal branch off main; returns its head. */
    propose(branch: string, files: Record<string, string>): string {
      git(['checkout', '--quiet', '-B', branch, 'origin/main'], clone);
      for (const [file, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
        writeFileSync(path.join(clone, file), content);
      }
      git(['add', '--all'], clone);
      git(['commit', '--quiet', '-m', `Propose ${branch}`], clone);
      git(
        ['push', '--quiet', '--force', 'origin', `HEAD:refs/heads/${branch}`],
        clone,
      );
      return git(['rev-parse', 'HEAD'], clone);
    },
    files(ref = 'main'): string[] {
      return git(['ls-tree', '-r', '--name-only', ref], bare)
        .split('\n')
        .filter(Boolean);
    },
    branches(): string[] {
      return git(
        ['for-each-ref', '--format=%(refname:short)', 'refs/heads'],
        bare,
      )
        .split('\n')
        .filter(Boolean);
    },
    message(ref = 'main'): string {
      return git(['log', '-1', '--format=%B', ref], bare);
    },
  };
}

function proposalBody(
  id: string,
  proposalBranch: string,
  commitId: string,
  repository: string,
) {
  return {
    id,
    entityRef: 'Agent:default/Risky-Agent',
    repository,
    branch: 'main',
    proposalBranch,
    targetPath: 'agents/risky-agent',
    commitId,
    summary: 'Agent risky-agent: L4, high risk',
    reasons: ['governance:approval-autonomy: L4 agents need approval'],
    policyResults: [
      {
        id: 'eval-suite',
        rule: 'governance:eval-suite',
        passed: true,
        message: 'eval suite with minScore 0.8',
      },
    ],
    diff: 'diff --git a/agents/risky-agent/catalog-info.yaml ...',
    riskTier: 'high',
  };
}

describe.each(TEST_DATABASE_IDS)(
  'approvals and audit routes on %s',
  databaseId => {
    const databases = TestDatabases.create({ ids: [databaseId] });
    let repo: ReturnType<typeof createGitopsRepository>;

    beforeEach(() => {
      repo = createGitopsRepository();
    });
    afterEach(() => rmSync(repo.root, { recursive: true, force: true }));

    const config = () => ({
      aiPlatform: { gitops: { repository: repo.bare, branch: 'main' } },
    });

    it('records a proposal, refuses self-approval, merges on another approver with approver and time in the commit, and lists it in the audit trail', async () => {
      const { server } = await startIngestTestBackend(databases, databaseId, {
        config: config(),
      });
      const head = repo.propose('proposals/risky-agent-11111111', {
        'agents/risky-agent/catalog-info.yaml': 'kind: Agent\n',
      });
      const id = '11111111-1111-4111-8111-111111111111';

      const created = await request(server)
        .post('/api/ai-platform/approvals')
        .set('authorization', asUser(ALICE))
        .send(
          proposalBody(id, 'proposals/risky-agent-11111111', head, repo.bare),
        );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id,
        status: 'pending',
        requester: ALICE,
        entityRef: 'agent:default/risky-agent',
      });

      const listed = await request(server)
        .get('/api/ai-platform/approvals')
        .set('authorization', asUser(BOB));
      expect(listed.status).toBe(200);
      expect(listed.body.canDecide).toBe(true);
      expect(listed.body.items.map((a: { id: string }) => a.id)).toEqual([id]);
      expect(listed.body.items[0].diff).toBeUndefined();
      const detail = await request(server)
        .get(`/api/ai-platform/approvals/${id}`)
        .set('authorization', asUser(BOB));
      // The diff is git's, not the one the caller sent.
      expect(detail.body.diff).toContain(
        '+++ b/agents/risky-agent/catalog-info.yaml',
      );
      expect(detail.body.diff).toContain('+kind: Agent');
      expect(detail.body.policyResults).toEqual([
        {
          rule: 'governance:eval-suite',
          passed: true,
          message: 'eval suite with minScore 0.8',
        },
      ]);

      const self = await request(server)
        .post(`/api/ai-platform/approvals/${id}/approve`)
        .set('authorization', asUser(ALICE));
      expect(self.status).toBe(403);
      expect(self.body.error.message).toBe(
        'You requested this change, so you cannot approve it: another approver must',
      );
      expect(repo.files()).toEqual(['README.md']);

      const approved = await request(server)
        .post(`/api/ai-platform/approvals/${id}/approve`)
        .set('authorization', asUser(BOB));
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        status: 'approved',
        decidedBy: BOB,
      });
      expect(repo.files()).toEqual([
        'README.md',
        'agents/risky-agent/catalog-info.yaml',
      ]);
      const message = repo.message();
      expect(message).toContain(`Approved-by: ${BOB}`);
      expect(message).toContain(`Approved-at: ${approved.body.decidedAt}`);
      expect(message).toContain(`Requested-by: ${ALICE}`);
      expect(repo.branches()).toEqual(['main']);

      const again = await request(server)
        .post(`/api/ai-platform/approvals/${id}/approve`)
        .set('authorization', asUser(BOB));
      expect(again.status).toBe(409);

      const audit = await request(server)
        .get('/api/ai-platform/audit/by-entity/agent/default/risky-agent')
        .set('authorization', asUser(BOB));
      expect(audit.status).toBe(200);
      expect(
        audit.body.items.map((e: any) => [e.action, e.actor, e.decision]),
      ).toEqual([
        ['approve', BOB, 'approved'],
        ['approval-requested', ALICE, 'pending-approval'],
      ]);
      expect(audit.body.items[0].details.mergeCommitId).toBe(
        approved.body.mergeCommitId,
      );
      expect(audit.body.items[0].riskTier).toBe('high');
    });

    it('rejects with a reason: the proposal branch is deleted and nothing reaches the synced branch', async () => {
      const { server } = await startIngestTestBackend(databases, databaseId, {
        config: config(),
      });
      const head = repo.propose('proposals/risky-agent-22222222', {
        'agents/risky-agent/catalog-info.yaml': 'kind: Agent\n',
      });
      const id = '22222222-2222-4222-8222-222222222222';
      await request(server)
        .post('/api/ai-platform/approvals')
        .set('authorization', asUser(ALICE))
        .send(
          proposalBody(id, 'proposals/risky-agent-22222222', head, repo.bare),
        )
        .expect(201);

      const noReason = await request(server)
        .post(`/api/ai-platform/approvals/${id}/reject`)
        .set('authorization', asUser(BOB))
        .send({ reason: '  ' });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.message).toBe(
        'Invalid rejection: reason: a reason is required to reject a proposal',
      );

      const rejected = await request(server)
        .post(`/api/ai-platform/approvals/${id}/reject`)
        .set('authorization', asUser(BOB))
        .send({ reason: 'No eval results yet' });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({
        status: 'rejected',
        decidedBy: BOB,
        decisionReason: 'No eval results yet',
      });
      expect(repo.files()).toEqual(['README.md']);
      expect(repo.branches()).toEqual(['main']);

      const pending = await request(server)
        .get('/api/ai-platform/approvals')
        .set('authorization', asUser(BOB));
      expect(pending.body.items).toEqual([]);
      const audit = await request(server)
        .get('/api/ai-platform/audit/by-entity/agent/default/risky-agent')
        .set('authorization', asUser(BOB));
      expect(audit.body.items[0]).toMatchObject({
        action: 'reject',
        actor: BOB,
        decision: 'rejected',
        reasons: ['No eval results yet'],
      });
    });

    it('refuses to merge a proposal branch that moved after the request: only the reviewed commit is merged', async () => {
      const { server } = await startIngestTestBackend(databases, databaseId, {
        config: config(),
      });
      const head = repo.propose('proposals/risky-agent-55555555', {
        'agents/risky-agent/catalog-info.yaml': 'kind: Agent\n',
      });
      const id = '55555555-5555-4555-8555-555555555555';
      await request(server)
        .post('/api/ai-platform/approvals')
        .set('authorization', asUser(ALICE))
        .send(
          proposalBody(id, 'proposals/risky-agent-55555555', head, repo.bare),
        )
        .expect(201);
      // Someone pushes more to the proposal branch after the review started.
      const moved = repo.propose('proposals/risky-agent-55555555', {
        'agents/risky-agent/extra.yaml': 'kind: Secret\n',
      });

      const approved = await request(server)
        .post(`/api/ai-platform/approvals/${id}/approve`)
        .set('authorization', asUser(BOB));
      expect(approved.status).toBe(409);
      expect(approved.body.error.message).toBe(
        `The proposal branch 'proposals/risky-agent-55555555' moved since approval was requested (now ${moved}, requested ${head}); reject it and run the template again`,
      );
      expect(repo.files()).toEqual(['README.md']);
    });

    it('names the bad field of a proposal and stores nothing', async () => {
      const { server } = await startIngestTestBackend(databases, databaseId, {
        config: config(),
      });
      const body = proposalBody(
        '33333333-3333-4333-8333-333333333333',
        'main',
        'a'.repeat(40),
        repo.bare,
      );
      const notOnBranch = await request(server)
        .post('/api/ai-platform/approvals')
        .set('authorization', asUser(ALICE))
        .send(
          proposalBody(
            '33333333-3333-4333-8333-333333333334',
            'proposals/nowhere',
            'b'.repeat(40),
            repo.bare,
          ),
        );
      expect(notOnBranch.status).toBe(404);
      expect(notOnBranch.body.error.message).toBe(
        `The proposal commit ${'b'.repeat(
          40,
        )} is not the head of branch 'proposals/nowhere' of the GitOps repository`,
      );
      const response = await request(server)
        .post('/api/ai-platform/approvals')
        .set('authorization', asUser(ALICE))
        .send(body);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toBe(
        "Invalid approval request: proposalBranch: must start with 'proposals/'",
      );
      const listed = await request(server)
        .get('/api/ai-platform/approvals')
        .set('authorization', asUser(ALICE));
      expect(listed.body.items).toEqual([]);
    });

    it('without the approval permissions: a user sees only their own proposals and cannot decide', async () => {
      const { server } = await startIngestTestBackend(databases, databaseId, {
        config: config(),
        permission: AuthorizeResult.DENY,
      });
      const head = repo.propose('proposals/risky-agent-44444444', {
        'agents/risky-agent/catalog-info.yaml': 'kind: Agent\n',
      });
      const id = '44444444-4444-4444-8444-444444444444';
      await request(server)
        .post('/api/ai-platform/approvals')
        .set('authorization', asUser(ALICE))
        .send(
          proposalBody(id, 'proposals/risky-agent-44444444', head, repo.bare),
        )
        .expect(201);

      const own = await request(server)
        .get('/api/ai-platform/approvals')
        .set('authorization', asUser(ALICE));
      expect(own.body).toMatchObject({ canDecide: false });
      expect(own.body.items).toHaveLength(1);
      const other = await request(server)
        .get('/api/ai-platform/approvals')
        .set('authorization', asUser(BOB));
      expect(other.body.items).toEqual([]);
      const detail = await request(server)
        .get(`/api/ai-platform/approvals/${id}`)
        .set('authorization', asUser(BOB));
      expect(detail.status).toBe(404);

      const decide = await request(server)
        .post(`/api/ai-platform/approvals/${id}/reject`)
        .set('authorization', asUser(ALICE))
        .send({ reason: 'withdrawn' });
      expect(decide.status).toBe(403);
      expect(repo.branches()).toEqual([
        'main',
        'proposals/risky-agent-44444444',
      ]);
    });
  },
);
