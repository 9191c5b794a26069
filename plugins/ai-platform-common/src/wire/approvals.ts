/**
 * State of a golden-path change that needed approval.
 *
 * @public
 */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

/**
 * One policy or governance result shown beside a proposal.
 *
 * @public
 */
export type ApprovalPolicyResult = {
  /** Rule or requirement id, e.g. `approval:autonomy-l4`. */
  rule: string;
  /** Whether the rule passed. */
  passed: boolean;
  /** What the rule found, or how to satisfy it. */
  message: string;
};

/**
 * A proposal as `GET /approvals` lists it (without the diff).
 *
 * @public
 */
export type ApprovalSummary = {
  id: string;
  /** Lower-case entity ref, e.g. `agent:default/ticket-triage`. */
  entityRef: string;
  /** User entity ref of whoever ran the template. */
  requester: string;
  status: ApprovalStatus;
  /** GitOps repository, credentials removed. */
  repository: string;
  /** The branch the catalog syncs; an approved change is merged into it. */
  branch: string;
  /** The branch holding the proposed change until it is decided. */
  proposalBranch: string;
  targetPath: string;
  /** Head commit of the proposal branch. */
  commitId: string;
  /** One-paragraph plan summary. */
  summary: string;
  /** Why approval is required. */
  reasons: string[];
  policyResults: ApprovalPolicyResult[];
  riskTier?: string;
  taskId?: string;
  /** ISO 8601. */
  createdAt: string;
  decidedBy?: string;
  /** ISO 8601. */
  decidedAt?: string;
  /** Reason given with a rejection. */
  decisionReason?: string;
  /** The merge commit on the synced branch of an approved proposal. */
  mergeCommitId?: string;
};

/**
 * A proposal with its diff (`GET /approvals/:id`).
 *
 * @public
 */
export type Approval = ApprovalSummary & {
  /** Unified diff of the proposal against the synced branch (truncated when very large). */
  diff: string;
};

/**
 * `GET /approvals` response.
 *
 * @public
 */
export type ApprovalListResponse = {
  items: ApprovalSummary[];
  /** Whether the caller may approve or reject (holds `ai-platform.approval.decide`). */
  canDecide: boolean;
};

/**
 * What an audit event records.
 *
 * @public
 */
export type AuditAction =
  | 'plan'
  | 'commit'
  | 'apply'
  | 'approval-requested'
  | 'approve'
  | 'reject';

/**
 * One entry of an entity's audit trail (`GET /audit/by-entity/...`).
 *
 * @public
 */
export type AuditEvent = {
  id: string;
  /** ISO 8601. */
  occurredAt: string;
  action: AuditAction;
  /** User or service that acted. */
  actor: string;
  entityRef: string;
  /** e.g. `approved`, `rejected`, `pending-approval`, `committed`. */
  decision?: string;
  reasons: string[];
  /** Action-specific facts: commit, branch, proposal id, eval scores... */
  details: Record<string, unknown>;
  riskTier?: string;
};

/**
 * `GET /audit/by-entity/:kind/:namespace/:name` response, newest first.
 *
 * @public
 */
export type AuditTrailResponse = {
  entityRef: string;
  items: AuditEvent[];
};
