import { formatUsd } from '@ai-platform/plugin-ai-platform-common';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Alert from '@mui/material/Alert';
import LinearProgress from '@mui/material/LinearProgress';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  aiPlatformApiRef,
  type PlanningPreview,
  type PlanningPreviewRequest,
} from '../../api';
import { backendErrorMessage } from './backendErrorMessage';
import {
  endpointChangeRequestsOf,
  isPausedRequest,
  type EndpointChangeOperation,
} from './endpointChangePreview';

/** The field name templates use in `ui:field`. */
export const AI_PLATFORM_ENDPOINT_CHANGE_PREVIEW =
  'AiPlatformEndpointChangePreview';

type MonthlyCost = { min: number; max: number };

function previewRequest(
  request: PlanningPreviewRequest & { pausedFrom?: unknown },
): PlanningPreviewRequest {
  const { pausedFrom: _pausedFrom, ...rest } = request;
  return JSON.parse(JSON.stringify(rest));
}

function costOf(preview: PlanningPreview | undefined): MonthlyCost {
  return {
    min: preview?.cost?.monthlyMinUsd ?? 0,
    max: preview?.cost?.monthlyMaxUsd ?? 0,
  };
}

function signedUsd(amount: number): string {
  const rounded = Math.round(amount * 100) / 100;
  if (rounded > 0) return `+${formatUsd(rounded)}`;
  if (rounded < 0) return `−${formatUsd(-rounded)}`;
  return `±${formatUsd(0)}`;
}

/**
 * The review step of templates/change-model-endpoint: the picked ModelEndpoint before → after
 * the chosen operation, its monthly cost delta and the rules the plan would fail, previewed
 * through `POST /planning/preview` before the task runs (`ai-platform:endpoint:change` stays
 * the authority, with the custom policies and governance). It sets no value.
 *
 * @public
 */
export function AiPlatformEndpointChangePreview(
  props: FieldExtensionComponentProps<string>,
) {
  const { formContext, schema } = props;
  const catalogApi = useApi(catalogApiRef);
  const api = useApi(aiPlatformApiRef);
  const form: Record<string, unknown> = formContext?.formData ?? {};
  const entityRef = typeof form.entityRef === 'string' ? form.entityRef : '';
  const operation = (form.operation ?? 'scale') as EndpointChangeOperation;
  const formKey = JSON.stringify([
    entityRef,
    operation,
    form.minReplicas,
    form.maxReplicas,
    form.gpuProfile,
    form.model,
    form.contextTokens,
    form.runtime,
    form.tensorParallelSize,
  ]);

  const state = useAsync(async () => {
    if (!entityRef) {
      return undefined;
    }
    const entity = await catalogApi.getEntityByRef(entityRef);
    if (!entity) {
      throw new Error(`${entityRef} is not in the catalog`);
    }
    const requests = endpointChangeRequestsOf(entity, operation, form);
    if (requests.kind !== 'planned') {
      return { requests };
    }
    const [before, after] = await Promise.all([
      isPausedRequest(requests.before)
        ? Promise.resolve(undefined)
        : api.previewEndpointPlan(previewRequest(requests.before)),
      requests.after
        ? api.previewEndpointPlan(previewRequest(requests.after))
        : Promise.resolve(undefined),
    ]);
    return { requests, before, after };
    // formKey holds every form value the preview reads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [catalogApi, api, formKey]);

  const title = schema.title ?? 'Before → after';
  if (!entityRef) {
    return (
      <Alert severity="info">Pick an endpoint to preview the change.</Alert>
    );
  }
  if (state.loading) {
    return (
      <div>
        <Typography variant="subtitle1">{title}</Typography>
        <LinearProgress aria-label="Planning the change" />
      </div>
    );
  }
  if (state.error || !state.value) {
    return (
      <Alert severity="warning">
        Could not preview the change ({backendErrorMessage(state.error)}); it is
        planned when the task runs.
      </Alert>
    );
  }
  const { requests } = state.value;
  if (requests.kind === 'unavailable') {
    return <Alert severity="info">{requests.message}</Alert>;
  }
  if (requests.kind === 'managed') {
    return (
      <div>
        <Typography variant="subtitle1">{title}</Typography>
        <Typography variant="body2">
          {requests.changes.length === 0
            ? 'No change: the endpoint already calls this model.'
            : requests.changes
                .map(c => `${c.field}: ${c.before} → ${c.after}`)
                .join('; ')}
        </Typography>
        <Typography variant="body2" sx={{ mt: 1 }}>
          No GPU cost: a managed endpoint is priced per token by its provider;
          its gateway route calls the new model under the same alias.
        </Typography>
      </div>
    );
  }
  const { before, after } = state.value as {
    before?: PlanningPreview;
    after?: PlanningPreview;
  };
  const beforeCost = costOf(before);
  const afterCost = costOf(after);
  const failed = (after?.decisions ?? []).filter(d => d.outcome === 'fail');

  return (
    <div>
      <Typography variant="subtitle1">{title}</Typography>
      {requests.changes.length === 0 ? (
        <Typography variant="body2">
          No change: the endpoint already has these values.
        </Typography>
      ) : (
        <Table size="small" aria-label="Before and after">
          <TableHead>
            <TableRow>
              <TableCell>Field</TableCell>
              <TableCell>Before</TableCell>
              <TableCell>After</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {requests.changes.map(change => (
              <TableRow key={change.field}>
                <TableCell>{change.field}</TableCell>
                <TableCell>{change.before}</TableCell>
                <TableCell>{change.after}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Typography variant="body2" sx={{ mt: 1 }}>
        Monthly cost at max replicas: {formatUsd(beforeCost.max)} →{' '}
        {formatUsd(afterCost.max)} ({signedUsd(afterCost.max - beforeCost.max)}
        ); at min replicas: {formatUsd(beforeCost.min)} →{' '}
        {formatUsd(afterCost.min)} ({signedUsd(afterCost.min - beforeCost.min)})
      </Typography>
      {failed.length > 0 && (
        <Alert severity="error" sx={{ mt: 1 }}>
          The plan refuses this change; the task would fail and leave the GitOps
          repository unchanged:
          <ul>
            {failed.map(d => (
              <li key={d.rule}>
                {d.rule}: {d.message}
              </li>
            ))}
          </ul>
        </Alert>
      )}
      {after && after.deferredChecks.length > 0 && (
        <Typography variant="caption" component="p" sx={{ mt: 1 }}>
          Checked when the task runs:{' '}
          {after.deferredChecks.map(c => c.rule).join(', ')}, governance.
        </Typography>
      )}
    </div>
  );
}
