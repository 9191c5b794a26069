import {
  DATA_CLASSIFICATIONS,
  type DataClassification,
} from '@ai-platform/plugin-ai-platform-common';
import type { PlanningPreviewRequest } from '../../api';

/**
 * The values of the self-hosted endpoint form the AI platform fields read, by the field names
 * of `templates/self-hosted-endpoint/template.yaml`.
 */
export type EndpointFormValues = Record<string, unknown>;

// The scaffolder hands a field's component every step's values so far (formContext.formData),
// but its validator only the current step's. The components record what they last saw here, so
// a validator can read the values of earlier steps (e.g. the data classification of step 1)
// too. One form is filled at a time, so one record is enough.
let latestFormValues: EndpointFormValues = {};

/** Records the form values a field component saw (formContext.formData). */
export function recordEndpointFormValues(values: unknown) {
  if (values && typeof values === 'object' && !Array.isArray(values)) {
    latestFormValues = { ...(values as EndpointFormValues) };
  }
}

/**
 * The values a validator should check: the last recorded values of every step, overridden by
 * the current step's.
 */
export function endpointFormValuesForValidation(
  currentStepValues: unknown,
): EndpointFormValues {
  return {
    ...latestFormValues,
    ...(currentStepValues && typeof currentStepValues === 'object'
      ? (currentStepValues as EndpointFormValues)
      : {}),
  };
}

/** Forgets the recorded values (for tests). */
export function resetEndpointFormValues() {
  latestFormValues = {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : undefined;
}

function wholeNumber(value: unknown, min: number): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= min
    ? number
    : undefined;
}

/** The chosen data classification, if it is one. */
export function dataClassificationOf(
  values: EndpointFormValues,
): DataClassification | undefined {
  const value = values.dataClassification;
  return (DATA_CLASSIFICATIONS as readonly unknown[]).includes(value)
    ? (value as DataClassification)
    : undefined;
}

/** What a preview request still lacks, in the form's words; empty when it is complete. */
export function missingPreviewInputs(values: EndpointFormValues): string[] {
  const missing: string[] = [];
  if (!text(values.model)) missing.push('a model');
  if (!text(values.gpuProfile)) missing.push('a GPU profile');
  if (!text(values.cluster)) missing.push('a cluster');
  if (!dataClassificationOf(values)) missing.push('a data classification');
  return missing;
}

/**
 * The preview request for the form values, or undefined while a model, GPU profile, cluster or
 * data classification is missing. Replicas come from `minReplicas`/`maxReplicas` when the form
 * has reached them; the backend assumes one replica otherwise.
 */
export function previewRequestOf(
  values: EndpointFormValues,
  runtimes: string[],
): PlanningPreviewRequest | undefined {
  const model = text(values.model);
  const gpuProfile = text(values.gpuProfile);
  const cluster = text(values.cluster);
  const dataClassification = dataClassificationOf(values);
  if (!model || !gpuProfile || !cluster || !dataClassification) {
    return undefined;
  }
  const request: PlanningPreviewRequest = {
    model,
    gpuProfile,
    cluster,
    dataClassification,
  };
  const contextTokens = wholeNumber(values.contextTokens, 1);
  if (contextTokens !== undefined) request.contextTokens = contextTokens;
  const sequences = wholeNumber(values.maxConcurrentSequences, 1);
  if (sequences !== undefined) request.maxConcurrentSequences = sequences;
  const tensorParallelSize = wholeNumber(values.tensorParallelSize, 1);
  if (tensorParallelSize !== undefined) {
    request.tensorParallelSize = tensorParallelSize;
  }
  const minReplicas = wholeNumber(values.minReplicas, 0);
  const maxReplicas = wholeNumber(values.maxReplicas, 1);
  if (minReplicas !== undefined || maxReplicas !== undefined) {
    // min > max is sent as is: the plan's replicas rule explains it.
    request.replicas = {
      min: minReplicas ?? Math.min(1, maxReplicas!),
      max: maxReplicas ?? Math.max(minReplicas!, 1),
    };
  }
  const runtime = text(values.runtime);
  if (runtime && runtimes.includes(runtime)) request.runtime = runtime;
  const owner = text(values.owner);
  if (owner) request.owner = owner;
  const name = text(values.name);
  if (name) request.name = name;
  return request;
}
