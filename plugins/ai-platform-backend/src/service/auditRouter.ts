import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { parseAuditEvent } from '../approvals/approvalRequests';
import { AuditTrail } from '../audit/AuditTrail';
import { entityRefFromParams } from './queryParams';

/**
 * Options of {@link createAuditRouter}.
 *
 * @internal
 */
export interface AuditRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  audit: AuditTrail;
}

/**
 * `POST /audit/events` (a golden-path action reports a plan, commit or
 * apply) and `GET /audit/by-entity/:kind/:namespace/:name` (the entity's
 * audit trail, for whoever may read its telemetry: owners and platform
 * groups under the default policy).
 *
 * @internal
 */
export function createAuditRouter(options: AuditRouterOptions): express.Router {
  const { httpAuth, permissions, audit } = options;
  const access = new TelemetryReadAccess(permissions);
  const router = Router();

  router.post(
    '/audit/events',
    express.json({ limit: '256kb' }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const event = parseAuditEvent(req.body);
      let actor: string;
      if (credentials.principal.type === 'user') {
        actor = credentials.principal.userEntityRef;
      } else if (event.actor) {
        actor = event.actor;
      } else {
        throw new InputError(
          'Invalid audit event: actor: required when a service reports the event',
        );
      }
      res.status(201).json(await audit.record({ ...event, actor }, req));
    },
  );

  router.get('/audit/by-entity/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const entityRef = entityRefFromParams(req.params);
    await access.assertCanRead(entityRef, credentials);
    res.json({ entityRef, items: await audit.listByEntity(entityRef) });
  });

  return router;
}
