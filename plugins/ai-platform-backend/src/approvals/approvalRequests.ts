import { InputError } from '@backstage/errors';
import { z } from 'zod/v4';
import { normalizeTelemetryEntityRef } from '../database/telemetrySubject';

/**
 * Longest diff stored with a proposal; the action truncates before sending.
 *
 * @internal
 */
export const MAX_APPROVAL_DIFF_CHARS = 512 * 1024;

const branchName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9._/-]+$/, 'letters, digits, . _ / - only');

const newApprovalSchema = z.object({
  id: z.uuid(),
  entityRef: z.string().min(1).max(255),
  requester: z.string().min(1).max(255).optional(),
  repository: z.string().min(1).max(2048),
  branch: branchName,
  proposalBranch: branchName.refine(b => b.startsWith('proposals/'), {
    message: "must start with 'proposals/'",
  }),
  targetPath: z.string().min(1).max(1024),
  commitId: z.string().regex(/^[0-9a-f]{40,64}$/, 'a full git commit id'),
  summary: z.string().max(4000).default(''),
  reasons: z.array(z.string().max(2000)).max(100),
  policyResults: z
    .array(
      z.object({
        rule: z.string().min(1).max(255),
        passed: z.boolean(),
        message: z.string().max(2000),
      }),
    )
    .max(200)
    .default([]),
  diff: z.string().max(MAX_APPROVAL_DIFF_CHARS),
  riskTier: z.string().max(32).optional(),
  taskId: z.string().max(64).optional(),
});

/**
 * The body of `POST /approvals`, checked.
 *
 * @internal
 */
export type NewApprovalRequest = z.infer<typeof newApprovalSchema>;

/**
 * Throws an InputError naming the first bad field, in the plugin's style.
 *
 * @internal
 */
export function parseBody<T extends z.ZodType>(
  schema: T,
  body: unknown,
  what: string,
): z.infer<T> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.') || 'body';
    throw new InputError(`Invalid ${what}: ${field}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Parses `POST /approvals`: the proposal the golden path committed; the
 * entity ref is normalized to lower case.
 *
 * @internal
 */
export function parseNewApproval(body: unknown): NewApprovalRequest {
  const parsed = parseBody(newApprovalSchema, body, 'approval request');
  return {
    ...parsed,
    entityRef: normalizeTelemetryEntityRef(parsed.entityRef),
  };
}

const rejectSchema = z.object({
  reason: z
    .string({ error: 'a reason is required to reject a proposal' })
    .trim()
    .min(1, 'a reason is required to reject a proposal')
    .max(2000),
});

/**
 * Parses `POST /approvals/:id/reject`: `{ reason }`.
 *
 * @internal
 */
export function parseRejection(body: unknown): { reason: string } {
  return parseBody(rejectSchema, body, 'rejection');
}

const auditEventSchema = z.object({
  action: z.enum(['plan', 'commit', 'apply']),
  entityRef: z.string().min(1).max(255),
  actor: z.string().min(1).max(255).optional(),
  decision: z.string().max(32).optional(),
  reasons: z.array(z.string().max(2000)).max(100).default([]),
  details: z.record(z.string(), z.unknown()).default({}),
  riskTier: z.string().max(32).optional(),
});

/**
 * Parses `POST /audit/events`, what a golden-path action reports.
 *
 * @internal
 */
export function parseAuditEvent(body: unknown) {
  const parsed = parseBody(auditEventSchema, body, 'audit event');
  return {
    ...parsed,
    entityRef: normalizeTelemetryEntityRef(parsed.entityRef),
  };
}

const statusSchema = z.object({
  status: z.enum(['pending', 'approved', 'rejected']).default('pending'),
});

/**
 * Parses the `status` query parameter of `GET /approvals`.
 *
 * @internal
 */
export function parseApprovalStatus(query: unknown) {
  return parseBody(statusSchema, query, 'query').status;
}
