import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import type { z } from 'zod/v4';
import {
  planningPreviewRequestSchema,
  type PlanningPreviewRequest,
} from '../planning/planningPreviewRequest';
import {
  PlanningPreviewService,
  PlanningPreviewServiceOptions,
} from '../planning/PlanningPreviewService';

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map(issue => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys
          .map(key => `'${key}': not a field of the preview request`)
          .join('; ');
      }
      const field = issue.path.join('.') || 'body';
      return `'${field}': ${issue.message}`;
    })
    .join('; ');
}

/**
 * Validates a preview request body, or throws an InputError naming every bad field.
 *
 * @internal
 */
export function parsePreviewRequest(body: unknown): PlanningPreviewRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError(
      'Invalid planning preview request: expected a JSON object with model, gpuProfile, cluster and dataClassification',
    );
  }
  const parsed = planningPreviewRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw new InputError(
      `Invalid planning preview request: ${describeIssues(parsed.error)}`,
    );
  }
  return parsed.data;
}

/**
 * Options of {@link createPlanningRouter}.
 *
 * @internal
 */
export interface PlanningRouterOptions extends PlanningPreviewServiceOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
}

/**
 * The planning API of the self-hosted endpoint form, for signed-in users:
 * `GET /planning/options` and `POST /planning/preview`.
 *
 * @internal
 */
export async function createPlanningRouter(
  options: PlanningRouterOptions,
): Promise<express.Router> {
  const { httpAuth } = options;
  const planning = new PlanningPreviewService(options);
  const router = Router();

  router.get('/planning/options', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    res.json(planning.getOptions());
  });

  router.post(
    '/planning/preview',
    express.json({ limit: '64kb' }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const input = parsePreviewRequest(req.body);
      res.json(await planning.preview(input, credentials));
    },
  );

  return router;
}
