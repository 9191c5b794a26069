import { ANNOTATION_ENDPOINT_REQUEST } from '@ai-platform/plugin-ai-platform-common';
import type { Entity } from '@backstage/catalog-model';
import type { PlanningPreviewRequest } from '../../api';

/** The operations of templates/change-model-endpoint. */
export type EndpointChangeOperation =
  | 'scale'
  | 'change'
  | 'pause'
  | 'resume'
  | 'decommission';

/** A ModelEndpoint's planned request, read from its catalog entity. */
export type CurrentEndpointRequest = PlanningPreviewRequest & {
  name: string;
  replicas: { min: number; max: number };
  pausedFrom?: { min: number; max: number };
};

/** One field before → after. */
export type EndpointFieldChange = {
  field: string;
  before: string;
  after: string;
};

/** What the form previews for a change. */
export type EndpointChangeRequests =
  | { kind: 'unavailable'; message: string }
  | { kind: 'managed'; changes: EndpointFieldChange[] }
  | {
      kind: 'planned';
      before: CurrentEndpointRequest;
      /** The request to preview after the change; absent when nothing will run (pause, decommission). */
      after?: PlanningPreviewRequest & {
        replicas: { min: number; max: number };
      };
      changes: EndpointFieldChange[];
    };

function record(value: unknown): Record<string, any> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, any>)
    : {};
}

function wholeNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value)
    ? value
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * The endpoint's current request from its catalog entity: the spec, plus the serving shape
 * the golden path records in the `aiplatform.io/endpoint-request` annotation (context length,
 * GPUs per replica, the replicas before a pause). Undefined with a reason for an entity that
 * cannot be previewed (managed, or missing a field).
 */
export function currentEndpointRequestOf(
  entity: Entity,
): CurrentEndpointRequest | { unavailable: string } {
  const spec = record(entity.spec);
  const serving = record(spec.serving);
  if (serving.mode !== 'self-hosted') {
    return {
      unavailable: `${entity.metadata.name} is a managed endpoint (provider ${
        serving.provider ?? 'unknown'
      }): it has no replicas or GPUs; only a model change or decommission applies to it.`,
    };
  }
  let shape: Record<string, any> = {};
  try {
    shape = record(
      JSON.parse(
        entity.metadata.annotations?.[ANNOTATION_ENDPOINT_REQUEST] ?? '{}',
      ),
    );
  } catch {
    shape = {};
  }
  const replicas = record(serving.replicas);
  const model = text(record(spec.model).name);
  const gpuProfile = text(serving.gpuProfile);
  const cluster = text(serving.cluster);
  const dataClassification = text(spec.dataClassification);
  if (!model || !gpuProfile || !cluster || !dataClassification) {
    return {
      unavailable: `${entity.metadata.name} lacks its model, GPU profile, cluster or data classification in the catalog; the change is planned when the task runs.`,
    };
  }
  const pausedFrom = record(shape.pausedFrom);
  return {
    name: entity.metadata.name,
    owner: text(spec.owner),
    model,
    gpuProfile,
    cluster,
    dataClassification,
    runtime: text(serving.runtime),
    contextTokens: wholeNumber(shape.contextTokens),
    maxConcurrentSequences: wholeNumber(shape.maxConcurrentSequences),
    tensorParallelSize: wholeNumber(shape.tensorParallelSize),
    replicas: {
      min: wholeNumber(replicas.min) ?? 1,
      max: wholeNumber(replicas.max) ?? wholeNumber(replicas.min) ?? 1,
    },
    ...(wholeNumber(pausedFrom.max)
      ? {
          pausedFrom: {
            min: wholeNumber(pausedFrom.min) ?? 0,
            max: wholeNumber(pausedFrom.max)!,
          },
        }
      : {}),
  };
}

/** True for min = max = 0 replicas. */
export function isPausedRequest(request: {
  replicas: { min: number; max: number };
}): boolean {
  return request.replicas.min === 0 && request.replicas.max === 0;
}

function show(value: unknown): string {
  return value === undefined ? '(default)' : String(value);
}

function diff(
  before: Record<string, any>,
  after: Record<string, any>,
): EndpointFieldChange[] {
  const fields: Array<[string, (r: Record<string, any>) => unknown]> = [
    ['replicas.min', r => r.replicas?.min],
    ['replicas.max', r => r.replicas?.max],
    ['gpuProfile', r => r.gpuProfile],
    ['model', r => r.model],
    ['runtime', r => r.runtime],
    ['contextTokens', r => r.contextTokens],
    ['tensorParallelSize', r => r.tensorParallelSize],
  ];
  return fields
    .map(([field, read]) => ({
      field,
      before: show(read(before)),
      after: show(read(after)),
    }))
    .filter(c => c.before !== c.after);
}

/**
 * The requests to preview for a change chosen in the form, the same way
 * `ai-platform:endpoint:change` applies it: an empty field keeps the current value.
 */
export function endpointChangeRequestsOf(
  entity: Entity,
  operation: EndpointChangeOperation,
  form: Record<string, unknown>,
): EndpointChangeRequests {
  const current = currentEndpointRequestOf(entity);
  const managedModel = text(record(record(entity.spec).model).name);
  if (
    'unavailable' in current &&
    operation === 'change' &&
    record(record(entity.spec).serving).mode === 'managed' &&
    text(form.model)
  ) {
    return {
      kind: 'managed',
      changes: diff({ model: managedModel }, { model: text(form.model) }),
    };
  }
  if ('unavailable' in current) {
    return operation === 'decommission'
      ? {
          kind: 'unavailable',
          message: `Decommission removes ${entity.metadata.name}'s gateway route and catalog entity; a managed endpoint has no GPU cost to release.`,
        }
      : { kind: 'unavailable', message: current.unavailable };
  }
  const paused = isPausedRequest(current);
  const { pausedFrom: _pausedFrom, name: _name, ...running } = current;
  switch (operation) {
    case 'scale':
    case 'change': {
      if (paused) {
        return {
          kind: 'unavailable',
          message: `${current.name} is paused; resume it first.`,
        };
      }
      const after =
        operation === 'scale'
          ? {
              ...running,
              name: current.name,
              replicas: {
                min: wholeNumber(form.minReplicas) ?? current.replicas.min,
                max: wholeNumber(form.maxReplicas) ?? current.replicas.max,
              },
            }
          : {
              ...running,
              name: current.name,
              gpuProfile: text(form.gpuProfile) ?? current.gpuProfile,
              model: text(form.model) ?? current.model,
              runtime: text(form.runtime) ?? current.runtime,
              contextTokens:
                wholeNumber(form.contextTokens) ?? current.contextTokens,
              tensorParallelSize:
                wholeNumber(form.tensorParallelSize) ??
                current.tensorParallelSize,
            };
      return {
        kind: 'planned',
        before: current,
        after,
        changes: diff(current, after),
      };
    }
    case 'pause':
      if (paused) {
        return {
          kind: 'unavailable',
          message: `${current.name} is already paused.`,
        };
      }
      return {
        kind: 'planned',
        before: current,
        changes: diff(current, { ...current, replicas: { min: 0, max: 0 } }),
      };
    case 'resume': {
      if (!paused) {
        return {
          kind: 'unavailable',
          message: `${current.name} is not paused; nothing to resume.`,
        };
      }
      const after = {
        ...running,
        name: current.name,
        replicas: current.pausedFrom ?? { min: 1, max: 1 },
      };
      return {
        kind: 'planned',
        before: current,
        after,
        changes: diff(current, after),
      };
    }
    default:
      return {
        kind: 'planned',
        before: current,
        changes: [
          {
            field: 'endpoint',
            before: 'running',
            after: 'removed (manifests, gateway route, catalog entity)',
          },
        ],
      };
  }
}
