import type {
  Approval,
  ApprovalPolicyResult,
  ApprovalStatus,
  ApprovalSummary,
} from '@ai-platform/plugin-ai-platform-common';
import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';

const TABLE = 'ai_platform_approvals';

/**
 * A proposal as recorded when the golden path asks for approval.
 *
 * @internal
 */
export type NewApproval = Omit<
  Approval,
  | 'status'
  | 'createdAt'
  | 'decidedBy'
  | 'decidedAt'
  | 'decisionReason'
  | 'mergeCommitId'
> & { createdAt: Date };

/**
 * The decision written when a proposal is approved or rejected.
 *
 * @internal
 */
export type ApprovalDecision = {
  status: Exclude<ApprovalStatus, 'pending'>;
  decidedBy: string;
  decidedAt: Date;
  decisionReason?: string;
  mergeCommitId?: string;
};

interface ApprovalRow {
  id: string;
  entity_ref: string;
  requester: string;
  status: ApprovalStatus;
  repository: string;
  branch: string;
  proposal_branch: string;
  target_path: string;
  commit_id: string;
  summary: string;
  reasons: string;
  policy_results: string;
  diff?: string;
  risk_tier: string | null;
  task_id: string | null;
  created_at: number | string;
  decided_by: string | null;
  decided_at: number | string | null;
  decision_reason: string | null;
  merge_commit_id: string | null;
}

const SUMMARY_COLUMNS = [
  'id',
  'entity_ref',
  'requester',
  'status',
  'repository',
  'branch',
  'proposal_branch',
  'target_path',
  'commit_id',
  'summary',
  'reasons',
  'policy_results',
  'risk_tier',
  'task_id',
  'created_at',
  'decided_by',
  'decided_at',
  'decision_reason',
  'merge_commit_id',
];

function toSummary(row: ApprovalRow): ApprovalSummary {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    requester: row.requester,
    status: row.status,
    repository: row.repository,
    branch: row.branch,
    proposalBranch: row.proposal_branch,
    targetPath: row.target_path,
    commitId: row.commit_id,
    summary: row.summary,
    reasons: JSON.parse(row.reasons) as string[],
    policyResults: JSON.parse(row.policy_results) as ApprovalPolicyResult[],
    riskTier: row.risk_tier ?? undefined,
    taskId: row.task_id ?? undefined,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    decidedBy: row.decided_by ?? undefined,
    decidedAt:
      row.decided_at === null
        ? undefined
        : new Date(Number(row.decided_at)).toISOString(),
    decisionReason: row.decision_reason ?? undefined,
    mergeCommitId: row.merge_commit_id ?? undefined,
  };
}

/**
 * Stores golden-path proposals and their decisions in `ai_platform_approvals`
 * (PostgreSQL or SQLite; migrated by the telemetry store).
 *
 * @internal
 */
export class DatabaseApprovalStore {
  constructor(private readonly db: Knex) {}

  /**
   * Records a proposal. Recording the same id again (a retried task step)
   * returns the stored proposal unchanged; a different proposal under a used
   * id is a conflict.
   */
  async create(approval: NewApproval): Promise<Approval> {
    const inserted = await this.db<ApprovalRow>(TABLE)
      .insert({
        id: approval.id,
        entity_ref: approval.entityRef,
        requester: approval.requester,
        status: 'pending',
        repository: approval.repository,
        branch: approval.branch,
        proposal_branch: approval.proposalBranch,
        target_path: approval.targetPath,
        commit_id: approval.commitId,
        summary: approval.summary,
        reasons: JSON.stringify(approval.reasons),
        policy_results: JSON.stringify(approval.policyResults),
        diff: approval.diff,
        risk_tier: approval.riskTier ?? null,
        task_id: approval.taskId ?? null,
        created_at: approval.createdAt.getTime(),
      })
      .onConflict('id')
      .ignore()
      .returning('id');
    const stored = await this.get(approval.id);
    if (!stored) {
      throw new Error(`approval ${approval.id} was not stored`);
    }
    if (
      inserted.length === 0 &&
      (stored.commitId !== approval.commitId ||
        stored.requester !== approval.requester)
    ) {
      throw new ConflictError(
        `A different proposal with id ${approval.id} already exists`,
      );
    }
    return stored;
  }

  /** The proposal with its diff, or undefined. */
  async get(id: string): Promise<Approval | undefined> {
    const row = (await this.db(TABLE)
      .select([...SUMMARY_COLUMNS, 'diff'])
      .where({ id })
      .first()) as ApprovalRow | undefined;
    return row ? { ...toSummary(row), diff: row.diff ?? '' } : undefined;
  }

  /**
   * Proposals, newest first: by status, and only those of `requester` when
   * given.
   */
  async list(filter: {
    status?: ApprovalStatus;
    requester?: string;
    entityRef?: string;
    limit?: number;
  }): Promise<ApprovalSummary[]> {
    const query = this.db(TABLE)
      .select(SUMMARY_COLUMNS)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(filter.limit ?? 200);
    if (filter.status) {
      query.where('status', filter.status);
    }
    if (filter.requester) {
      query.where('requester', filter.requester);
    }
    if (filter.entityRef) {
      query.where('entity_ref', filter.entityRef);
    }
    const rows: ApprovalRow[] = await query;
    return rows.map(toSummary);
  }

  /**
   * Writes the decision if the proposal is still pending; returns false when
   * someone else decided it first.
   */
  async decide(id: string, decision: ApprovalDecision): Promise<boolean> {
    const updated = await this.db<ApprovalRow>(TABLE)
      .where({ id, status: 'pending' })
      .update({
        status: decision.status,
        decided_by: decision.decidedBy,
        decided_at: decision.decidedAt.getTime(),
        decision_reason: decision.decisionReason ?? null,
        merge_commit_id: decision.mergeCommitId ?? null,
      });
    return updated === 1;
  }
}
