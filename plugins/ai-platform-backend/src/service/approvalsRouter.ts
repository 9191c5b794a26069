import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { ApprovalService } from '../approvals/ApprovalService';
import {
  MAX_APPROVAL_DIFF_CHARS,
  parseApprovalStatus,
  parseNewApproval,
  parseRejection,
} from '../approvals/approvalRequests';

/**
 * Options of {@link createApprovalsRouter}.
 *
 * @internal
 */
export interface ApprovalsRouterOptions {
  httpAuth: HttpAuthService;
  approvals: ApprovalService;
}

/**
 * The approval gate's routes: `POST /approvals` (the golden path records a
 * proposal, on behalf of the user who ran the template), `GET /approvals`,
 * `GET /approvals/:id`, `POST /approvals/:id/approve` and
 * `POST /approvals/:id/reject`.
 *
 * @internal
 */
export function createApprovalsRouter(
  options: ApprovalsRouterOptions,
): express.Router {
  const { httpAuth, approvals } = options;
  const router = Router();
  const json = express.json({ limit: MAX_APPROVAL_DIFF_CHARS * 2 });

  router.post('/approvals', json, async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const proposal = parseNewApproval(req.body);
    let requester: string;
    if (credentials.principal.type === 'user') {
      requester = credentials.principal.userEntityRef;
    } else if (proposal.requester) {
      requester = proposal.requester;
    } else {
      throw new InputError(
        'Invalid approval request: requester: required when a service records the proposal',
      );
    }
    const approval = await approvals.request({ ...proposal, requester }, req);
    res.status(201).json(approval);
  });

  router.get('/approvals', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await approvals.list(credentials, parseApprovalStatus(req.query)));
  });

  router.get('/approvals/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await approvals.get(req.params.id, credentials));
  });

  router.post('/approvals/:id/approve', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await approvals.approve(req.params.id, credentials, req));
  });

  router.post('/approvals/:id/reject', json, async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { reason } = parseRejection(req.body);
    res.json(await approvals.reject(req.params.id, reason, credentials, req));
  });

  return router;
}
