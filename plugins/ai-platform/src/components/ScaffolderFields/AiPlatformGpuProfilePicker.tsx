import { formatUsd } from '@ai-platform/plugin-ai-platform-common';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import Alert from '@mui/material/Alert';
import LinearProgress from '@mui/material/LinearProgress';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  aiPlatformApiRef,
  type PlanningOptions,
  type PlanningPreview,
} from '../../api';
import {
  endpointFormValuesForValidation,
  missingPreviewInputs,
  previewRequestOf,
  recordEndpointFormValues,
} from './endpointFormValues';
import { backendErrorMessage } from './backendErrorMessage';

/** The field name templates use in `ui:field`. */
export const AI_PLATFORM_GPU_PROFILE_PICKER = 'AiPlatformGpuProfilePicker';

/** Wait this long after the last form change before asking for a preview. */
export const PREVIEW_DEBOUNCE_MS = 400;

/**
 * The plan rules a GPU profile choice can fix; their failures are errors of this field. Other
 * failed rules (e.g. the model's data classification) are shown, and belong to other fields.
 */
const GPU_PROFILE_RULES = new Set([
  'known-gpu-profile',
  'profile-offered-by-cluster',
  'tensor-parallelism',
  'memory-fit',
  'gpu-quota',
  'monthly-budget',
]);

/** The failed decisions of a preview a GPU profile choice can fix. */
export function gpuProfileProblems(preview: PlanningPreview): string[] {
  return preview.decisions
    .filter(d => d.outcome === 'fail' && GPU_PROFILE_RULES.has(d.rule))
    .map(d => d.message);
}

function profileLabel(profile: PlanningOptions['gpuProfiles'][number]) {
  return `${profile.title ?? profile.id} · ${
    profile.usableMemoryGiB
  } GiB usable · ${formatUsd(profile.hourlyCostUsd)}/h`;
}

/**
 * What to do about a model that does not fit: the memory-fit decision's message after the
 * summary the preview already shows in bold.
 */
function memoryFitAdvice(summary: string, message: string | undefined) {
  const advice = message?.split(summary)[1]?.replace(/^[;.\s]+/, '');
  if (!advice) {
    return message ?? 'The model does not fit this GPU profile.';
  }
  return `${advice.charAt(0).toUpperCase()}${advice.slice(1)}`;
}

function listInWords(items: string[]): string {
  return items.length > 1
    ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
    : items.join('');
}

function replicasText(count: number) {
  return `${count} replica${count === 1 ? '' : 's'}`;
}

/** E.g. `584.00 USD/month at 1 replica – 1,168.00 USD/month at 2 replicas`. */
export function describeMonthlyCost(preview: PlanningPreview): string {
  const { cost, replicas } = preview;
  if (!cost) {
    return '';
  }
  const basis = `${formatUsd(cost.gpuHourUsd)} per GPU-hour × ${
    cost.gpusPerReplica
  } GPU${cost.gpusPerReplica === 1 ? '' : 's'} per replica × ${
    cost.hoursPerMonth
  } h`;
  if (replicas.min === replicas.max) {
    return `${formatUsd(cost.monthlyMaxUsd)}/month at ${replicasText(
      replicas.max,
    )} (${basis})`;
  }
  return `${formatUsd(cost.monthlyMinUsd)}/month at ${replicasText(
    replicas.min,
  )} – ${formatUsd(cost.monthlyMaxUsd)}/month at ${replicasText(
    replicas.max,
  )} (${basis})`;
}

type PreviewState =
  | { status: 'idle'; missing: string[] }
  | { status: 'loading' }
  | { status: 'done'; preview: PlanningPreview }
  | { status: 'error'; message: string };

function PlanPreview(props: { state: PreviewState; id: string }) {
  const { state, id } = props;
  if (state.status === 'idle') {
    return (
      <Typography id={id} variant="body2" color="text.secondary">
        Choose {listInWords(state.missing)} to see whether the model fits and
        what it costs.
      </Typography>
    );
  }
  if (state.status === 'loading') {
    return (
      <div id={id}>
        <Typography variant="body2" color="text.secondary">
          Checking the memory fit and cost…
        </Typography>
        <LinearProgress aria-label="Checking the memory fit and cost" />
      </div>
    );
  }
  if (state.status === 'error') {
    return (
      <Alert id={id} severity="error">
        Could not preview the plan: {state.message}
      </Alert>
    );
  }
  const { preview } = state;
  const failed = preview.decisions.filter(d => d.outcome === 'fail');
  const otherFailures = failed.filter(d => d.rule !== 'memory-fit');
  return (
    <div id={id} aria-label="Plan preview" role="region">
      {preview.memoryFit && (
        <Alert
          severity={preview.memoryFit.fits ? 'success' : 'error'}
          sx={{ mt: 1 }}
        >
          <strong>{preview.memoryFit.summary}</strong>
          {!preview.memoryFit.fits && (
            <div>
              {memoryFitAdvice(
                preview.memoryFit.summary,
                failed.find(d => d.rule === 'memory-fit')?.message,
              )}
            </div>
          )}
        </Alert>
      )}
      {preview.cost && (
        <Typography variant="body2" sx={{ mt: 1 }}>
          Monthly cost estimate: {describeMonthlyCost(preview)}
        </Typography>
      )}
      {otherFailures.length > 0 && (
        <Alert severity="error" sx={{ mt: 1 }}>
          <ul style={{ margin: 0, paddingLeft: 16 }}>
            {otherFailures.map(d => (
              <li key={d.rule}>
                {d.rule}: {d.message}
              </li>
            ))}
          </ul>
        </Alert>
      )}
      {preview.deferredChecks.length > 0 && (
        <Typography
          variant="caption"
          color="text.secondary"
          component="div"
          sx={{ mt: 1 }}
        >
          Checked when the template runs:{' '}
          {preview.deferredChecks.map(c => c.rule).join(', ')}.
        </Typography>
      )}
    </div>
  );
}

/**
 * A scaffolder field: picks a GPU profile (`aiPlatform.gpuProfiles`) of the chosen cluster
 * and previews, before submit, whether the chosen model fits it and the monthly cost, with
 * the same plan logic as the `ai-platform:endpoint:plan` action (served by the backend's
 * `POST /planning/preview`). Reads the sibling fields `model`, `cluster`,
 * `dataClassification`, `contextTokens`, `maxConcurrentSequences`, `tensorParallelSize`,
 * `minReplicas`, `maxReplicas`, `runtime`, `owner` and `name`.
 *
 * @public
 */
export function AiPlatformGpuProfilePicker(
  props: FieldExtensionComponentProps<string>,
) {
  const {
    formData,
    onChange,
    schema,
    required,
    rawErrors,
    idSchema,
    formContext,
    disabled,
    readonly,
  } = props;
  const api = useApi(aiPlatformApiRef);
  const options = useAsync(() => api.getPlanningOptions(), [api]);
  const formValues = useMemo(
    () => ({ ...(formContext?.formData ?? {}), gpuProfile: formData }),
    [formContext?.formData, formData],
  );
  useEffect(
    () => recordEndpointFormValues(formContext?.formData),
    [formContext?.formData],
  );

  const request = options.value
    ? previewRequestOf(formValues, options.value.runtimes)
    : undefined;
  const requestKey = request ? JSON.stringify(request) : '';
  const [state, setState] = useState<PreviewState>({
    status: 'idle',
    missing: [],
  });
  useEffect(() => {
    if (!requestKey) {
      setState({ status: 'idle', missing: missingPreviewInputs(formValues) });
      return undefined;
    }
    let current = true;
    setState({ status: 'loading' });
    const timer = setTimeout(() => {
      api.previewEndpointPlan(JSON.parse(requestKey)).then(
        preview => current && setState({ status: 'done', preview }),
        (error: Error) =>
          current &&
          setState({ status: 'error', message: backendErrorMessage(error) }),
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // formValues only feeds the idle message; requestKey captures what the preview needs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, requestKey]);

  const label = schema.title ?? 'GPU profile';
  const id = idSchema?.$id ?? 'ai-platform-gpu-profile';

  if (options.loading) {
    return (
      <div>
        <Typography variant="body2">{label}</Typography>
        <LinearProgress aria-label="Loading the GPU profiles" />
      </div>
    );
  }
  if (options.error || !options.value) {
    return (
      <Alert severity="error">
        Could not load the GPU profiles: {backendErrorMessage(options.error)}
      </Alert>
    );
  }

  const cluster = options.value.clusters.find(
    c => c.name === formValues.cluster,
  );
  const profiles = cluster
    ? options.value.gpuProfiles.filter(p => cluster.gpuProfiles.includes(p.id))
    : options.value.gpuProfiles;
  const selected = options.value.gpuProfiles.find(p => p.id === formData);
  const shown =
    selected && !profiles.includes(selected)
      ? [...profiles, selected]
      : profiles;
  const problems =
    state.status === 'done' ? gpuProfileProblems(state.preview) : [];

  return (
    <div>
      <TextField
        id={id}
        select
        fullWidth
        margin="normal"
        label={label}
        required={required}
        disabled={disabled || readonly}
        value={selected ? selected.id : ''}
        error={problems.length > 0 || Boolean(rawErrors?.length)}
        helperText={
          cluster
            ? `GPU profiles offered by ${cluster.name} (${cluster.region})`
            : schema.description
        }
        onChange={event => onChange(event.target.value)}
      >
        {shown.map(profile => (
          <MenuItem
            key={profile.id}
            value={profile.id}
            disabled={!profiles.includes(profile)}
          >
            {profileLabel(profile)}
          </MenuItem>
        ))}
      </TextField>
      <PlanPreview state={state} id={`${id}-preview`} />
    </div>
  );
}

/**
 * Validates an {@link AiPlatformGpuProfilePicker} value by asking the backend for a preview
 * of the whole form: a model that does not fit, a profile the cluster does not offer, an
 * impossible tensor parallelism, or an exceeded quota or budget are errors of this field.
 *
 * @public
 */
export const validateAiPlatformGpuProfile: CustomFieldValidator<
  string
> = async (value, validation, context) => {
  if (!value) {
    return; // `required` reports a missing value.
  }
  const api = context.apiHolder.get(aiPlatformApiRef);
  if (!api) {
    return;
  }
  const values = {
    ...endpointFormValuesForValidation(context.formData),
    gpuProfile: value,
  };
  let preview: PlanningPreview;
  try {
    const options = await api.getPlanningOptions();
    const request = previewRequestOf(values, options.runtimes);
    if (!request) {
      return; // The missing fields report themselves.
    }
    preview = await api.previewEndpointPlan(request);
  } catch {
    // The field shows the failure; ai-platform:endpoint:plan checks everything again when
    // the template runs.
    return;
  }
  for (const problem of gpuProfileProblems(preview)) {
    validation.addError(problem);
  }
};
