import {
  aiPlatformApprovalDecidePermission,
  aiPlatformApprovalReadPermission,
} from '@ai-platform/plugin-ai-platform-common';
import type {
  Approval,
  ApprovalListResponse,
  ApprovalStatus,
} from '@ai-platform/plugin-ai-platform-common';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Request } from 'express';
import { AuditTrail } from '../audit/AuditTrail';
import type { AiPlatformNotifier } from '../notifications/AiPlatformNotifier';
import { MAX_APPROVAL_DIFF_CHARS } from './approvalRequests';
import { DatabaseApprovalStore, NewApproval } from './DatabaseApprovalStore';
import { GitopsProposalMerger } from './gitops/GitopsProposalMerger';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/**
 * The approval gate of the golden paths: records proposals, lists them to
 * approvers and requesters, and approves (merge into the synced branch) or
 * rejects (close the proposal branch) them, with every step in the audit
 * trail.
 *
 * @internal
 */
export class ApprovalService {
  constructor(
    private readonly options: {
      store: DatabaseApprovalStore;
      audit: AuditTrail;
      merger: GitopsProposalMerger;
      permissions: PermissionsService;
      /** Tells approvers of a request and the requester of a decision. */
      notifier?: AiPlatformNotifier;
      /** Who is told of a request (`aiPlatform.governance.approverGroups`). */
      approverGroups?: string[];
      now?: () => Date;
    },
  ) {}

  #link(id: string): string {
    return `/ai-platform?approval=${encodeURIComponent(id)}`;
  }

  #now(): Date {
    return this.options.now?.() ?? new Date();
  }

  async #allowed(
    permission:
      | typeof aiPlatformApprovalReadPermission
      | typeof aiPlatformApprovalDecidePermission,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const [decision] = await this.options.permissions.authorize(
      [{ permission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** Records a proposal the golden path committed to a proposal branch. */
  async request(
    proposal: Omit<NewApproval, 'createdAt'>,
    httpRequest?: Request,
  ): Promise<Approval> {
    const existing = await this.options.store.get(proposal.id);
    // The reviewed diff comes from the repository, whatever the caller sent;
    // this also checks that the proposal commit is where it claims to be.
    const diff = existing
      ? existing.diff
      : await this.options.merger.diff(proposal, MAX_APPROVAL_DIFF_CHARS);
    const stored = await this.options.store.create({
      ...proposal,
      diff,
      createdAt: this.#now(),
    });
    if (!existing) {
      await this.options.audit.record(
        {
          action: 'approval-requested',
          actor: proposal.requester,
          entityRef: proposal.entityRef,
          decision: 'pending-approval',
          reasons: proposal.reasons,
          riskTier: proposal.riskTier,
          details: {
            proposalId: proposal.id,
            proposalBranch: proposal.proposalBranch,
            branch: proposal.branch,
            commitId: proposal.commitId,
            summary: proposal.summary,
            policyResults: proposal.policyResults,
            taskId: proposal.taskId,
          },
        },
        httpRequest,
      );
      await this.options.notifier?.notifyApprovalRequested({
        entityRef: proposal.entityRef,
        requester: proposal.requester,
        approverGroups: this.options.approverGroups ?? [],
        link: this.#link(proposal.id),
        summary: proposal.summary,
      });
    }
    return stored;
  }

  /**
   * Proposals in `status` (default pending): every one for holders of
   * `ai-platform.approval.read`, else the caller's own.
   */
  async list(
    credentials: UserCredentials,
    status: ApprovalStatus = 'pending',
  ): Promise<ApprovalListResponse> {
    const [canRead, canDecide] = await Promise.all([
      this.#allowed(aiPlatformApprovalReadPermission, credentials),
      this.#allowed(aiPlatformApprovalDecidePermission, credentials),
    ]);
    const items = await this.options.store.list({
      status,
      requester: canRead ? undefined : credentials.principal.userEntityRef,
    });
    return { items, canDecide };
  }

  /** One proposal with its diff, for approvers and its requester. */
  async get(id: string, credentials: UserCredentials): Promise<Approval> {
    const approval = await this.options.store.get(id);
    if (
      !approval ||
      (approval.requester !== credentials.principal.userEntityRef &&
        !(await this.#allowed(aiPlatformApprovalReadPermission, credentials)))
    ) {
      throw new NotFoundError(`No approval with id '${id}'`);
    }
    return approval;
  }

  async #decidable(id: string, credentials: UserCredentials) {
    const approval = await this.get(id, credentials);
    if (
      !(await this.#allowed(aiPlatformApprovalDecidePermission, credentials))
    ) {
      throw new NotAllowedError(
        'Not allowed to decide approvals: ask a member of an approver group (aiPlatform.governance.approverGroups)',
      );
    }
    if (approval.status !== 'pending') {
      throw new ConflictError(
        `Approval '${id}' was already ${approval.status} by ${approval.decidedBy}`,
      );
    }
    return approval;
  }

  /**
   * Merges the proposal into the synced branch, recording the approver and
   * the time in the merge commit. Nobody approves their own proposal.
   */
  async approve(
    id: string,
    credentials: UserCredentials,
    httpRequest?: Request,
  ): Promise<Approval> {
    const approval = await this.#decidable(id, credentials);
    const approver = credentials.principal.userEntityRef;
    if (approval.requester === approver) {
      throw new NotAllowedError(
        'You requested this change, so you cannot approve it: another approver must',
      );
    }
    const decidedAt = this.#now();
    const { mergeCommitId } = await this.options.merger.merge(
      approval,
      [
        `Approve ${approval.entityRef} (proposal ${approval.id})`,
        '',
        approval.summary,
        '',
        `Approved-by: ${approver}`,
        `Approved-at: ${decidedAt.toISOString()}`,
        `Requested-by: ${approval.requester}`,
        `Proposal-branch: ${approval.proposalBranch}`,
      ].join('\n'),
    );
    await this.#decide(approval, {
      status: 'approved',
      decidedBy: approver,
      decidedAt,
      mergeCommitId,
    });
    await this.options.audit.record(
      {
        action: 'approve',
        actor: approver,
        entityRef: approval.entityRef,
        decision: 'approved',
        reasons: approval.reasons,
        riskTier: approval.riskTier,
        details: {
          proposalId: approval.id,
          requester: approval.requester,
          mergeCommitId,
          branch: approval.branch,
          proposalBranch: approval.proposalBranch,
          policyResults: approval.policyResults,
        },
      },
      httpRequest,
    );
    await this.options.notifier?.notifyApprovalDecided({
      entityRef: approval.entityRef,
      requester: approval.requester,
      decision: 'approved',
      decidedBy: approver,
      link: this.#link(approval.id),
    });
    return (await this.options.store.get(id))!;
  }

  /** Deletes the proposal branch; nothing of it reaches the catalog. */
  async reject(
    id: string,
    reason: string,
    credentials: UserCredentials,
    httpRequest?: Request,
  ): Promise<Approval> {
    const approval = await this.#decidable(id, credentials);
    const rejecter = credentials.principal.userEntityRef;
    await this.options.merger.close(approval);
    await this.#decide(approval, {
      status: 'rejected',
      decidedBy: rejecter,
      decidedAt: this.#now(),
      decisionReason: reason,
    });
    await this.options.audit.record(
      {
        action: 'reject',
        actor: rejecter,
        entityRef: approval.entityRef,
        decision: 'rejected',
        reasons: [reason],
        riskTier: approval.riskTier,
        details: {
          proposalId: approval.id,
          requester: approval.requester,
          proposalBranch: approval.proposalBranch,
        },
      },
      httpRequest,
    );
    await this.options.notifier?.notifyApprovalDecided({
      entityRef: approval.entityRef,
      requester: approval.requester,
      decision: 'rejected',
      decidedBy: rejecter,
      reason,
      link: this.#link(approval.id),
    });
    return (await this.options.store.get(id))!;
  }

  async #decide(
    approval: Approval,
    decision: Parameters<DatabaseApprovalStore['decide']>[1],
  ) {
    if (!(await this.options.store.decide(approval.id, decision))) {
      const current = await this.options.store.get(approval.id);
      throw new ConflictError(
        `Approval '${approval.id}' was decided by ${current?.decidedBy} at the same time`,
      );
    }
  }
}
