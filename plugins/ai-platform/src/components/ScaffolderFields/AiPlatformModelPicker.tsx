import {
  compareDataClassification,
  type DataClassification,
} from '@ai-platform/plugin-ai-platform-common';
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
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { aiPlatformApiRef, type PlanningOptions } from '../../api';
import {
  dataClassificationOf,
  endpointFormValuesForValidation,
  recordEndpointFormValues,
} from './endpointFormValues';
import { backendErrorMessage } from './backendErrorMessage';

/** The field name templates use in `ui:field`. */
export const AI_PLATFORM_MODEL_PICKER = 'AiPlatformModelPicker';

type ApprovedModelOption = PlanningOptions['models'][number];

/** Whether a model may process data of the classification. */
export function isModelApprovedFor(
  model: ApprovedModelOption,
  classification: DataClassification | undefined,
): boolean {
  return (
    !classification ||
    compareDataClassification(classification, model.maxDataClassification) <= 0
  );
}

function describeModel(model: ApprovedModelOption): string {
  return [
    `${model.parametersBillions} B parameters`,
    model.type,
    `${model.license} licence`,
    `context up to ${model.maxContextTokens.toLocaleString('en-US')} tokens`,
    `approved up to ${model.maxDataClassification} data`,
  ].join(' · ');
}

/** Why the model may not be chosen, or undefined when it may. */
function modelProblem(
  modelName: string,
  options: PlanningOptions,
  classification: DataClassification | undefined,
): string | undefined {
  const model = options.models.find(m => m.name === modelName);
  if (!model) {
    return `${modelName} is not an approved model; approved: ${
      options.models.map(m => m.name).join(', ') || '(none configured)'
    }`;
  }
  if (!isModelApprovedFor(model, classification)) {
    return `${model.name} is approved only up to ${model.maxDataClassification} data, not ${classification}; pick another model or a lower data classification`;
  }
  return undefined;
}

/**
 * A scaffolder field: picks an approved model (`aiPlatform.models`), offering only the models
 * approved for the data classification chosen in the form's `dataClassification` field.
 *
 * @public
 */
export function AiPlatformModelPicker(
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
  const formValues = formContext?.formData ?? {};
  useEffect(
    () => recordEndpointFormValues(formContext?.formData),
    [formContext?.formData],
  );
  const classification = dataClassificationOf(formValues);
  const label = schema.title ?? 'Model';
  const id = idSchema?.$id ?? 'ai-platform-model';

  if (options.loading) {
    return (
      <div>
        <Typography variant="body2">{label}</Typography>
        <LinearProgress aria-label="Loading the approved models" />
      </div>
    );
  }
  if (options.error || !options.value) {
    return (
      <Alert severity="error">
        Could not load the approved models: {backendErrorMessage(options.error)}
      </Alert>
    );
  }

  const models = options.value.models;
  const approved = models.filter(m => isModelApprovedFor(m, classification));
  const selected = models.find(m => m.name === formData);
  const problem = formData
    ? modelProblem(formData, options.value, classification)
    : undefined;
  // The current value stays selectable so the user sees what was chosen and why it is wrong.
  const shown =
    selected && !approved.includes(selected)
      ? [...approved, selected]
      : approved;
  const description = classification
    ? `${approved.length} of ${models.length} approved models may process ${classification} data`
    : schema.description;

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
        value={selected ? selected.name : ''}
        error={Boolean(problem) || Boolean(rawErrors?.length)}
        helperText={description}
        onChange={event => onChange(event.target.value)}
      >
        {shown.map(model => (
          <MenuItem
            key={model.name}
            value={model.name}
            disabled={!approved.includes(model)}
          >
            {model.name}
          </MenuItem>
        ))}
      </TextField>
      {selected && (
        <Typography variant="body2" color="text.secondary">
          {describeModel(selected)}
        </Typography>
      )}
      {problem && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {problem}
        </Alert>
      )}
      {approved.length === 0 && (
        <Alert severity="warning" sx={{ mt: 1 }}>
          No approved model may process {classification} data; ask the platform
          team or choose a lower data classification.
        </Alert>
      )}
    </div>
  );
}

/**
 * Validates an {@link AiPlatformModelPicker} value: an approved model, approved for the
 * form's data classification.
 *
 * @public
 */
export const validateAiPlatformModel: CustomFieldValidator<string> = async (
  value,
  validation,
  context,
) => {
  if (!value) {
    return; // `required` reports a missing value.
  }
  const api = context.apiHolder.get(aiPlatformApiRef);
  if (!api) {
    return;
  }
  let options: PlanningOptions;
  try {
    options = await api.getPlanningOptions();
  } catch {
    // The field shows the failure; ai-platform:endpoint:plan checks the model when the
    // template runs.
    return;
  }
  const values = endpointFormValuesForValidation(context.formData);
  const problem = modelProblem(value, options, dataClassificationOf(values));
  if (problem) {
    validation.addError(problem);
  }
};
