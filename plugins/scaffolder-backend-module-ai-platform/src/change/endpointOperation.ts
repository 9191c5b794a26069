import {
  DATA_CLASSIFICATIONS,
  ENDPOINT_PLAN_RUNTIMES,
  type EndpointRequest,
} from '@ai-platform/plugin-ai-platform-common';
import { InputError } from '@backstage/errors';
import type { CommittedEndpoint } from '../gitops/readCommittedEndpoint';
import {
  ENDPOINT_REQUEST_FILE,
  type EndpointRequestRecord,
} from '../render/renderEndpoint';

/**
 * The Day-2 operations on a golden-path ModelEndpoint.
 *
 * @internal
 */
export const ENDPOINT_OPERATIONS = [
  'scale',
  'change',
  'pause',
  'resume',
  'decommission',
] as const;

/**
 * One Day-2 operation.
 *
 * @internal
 */
export type EndpointOperation = (typeof ENDPOINT_OPERATIONS)[number];

/**
 * The endpoint's state the operations work on: the request it was planned from and, while
 * paused, the replicas resume restores.
 *
 * @internal
 */
export type EndpointState = {
  request: EndpointRequest;
  pausedFrom?: { min: number; max: number };
};

/**
 * What an operation may set; unset fields keep the endpoint's current value.
 *
 * @internal
 */
export type EndpointOperationInput = {
  minReplicas?: number;
  maxReplicas?: number;
  gpuProfile?: string;
  model?: string;
  contextTokens?: number;
  runtime?: string;
  tensorParallelSize?: number;
};

function firstNumber(pattern: RegExp, texts: string[]): number | undefined {
  for (const text of texts) {
    const match = pattern.exec(text);
    if (match) {
      return Number(match[1]);
    }
  }
  return undefined;
}

/**
 * The committed endpoint's state: the request recorded in `endpoint-request.json` by the
 * golden path, or, for an endpoint committed before that file existed, the request read back
 * from its `catalog-info.yaml` and the `--max-model-len` / `--tensor-parallel-size` of its
 * workload manifests. A managed endpoint (no GPUs) has no such state: only decommission
 * applies to it, and this throws saying so.
 *
 * @internal
 */
export function readEndpointState(committed: CommittedEndpoint): EndpointState {
  const { entity } = committed;
  const name = entity.metadata.name;
  const serving = entity.spec?.serving ?? {};
  if (serving.mode !== 'self-hosted') {
    throw new InputError(
      `ModelEndpoint '${name}' is a managed endpoint (provider ${
        serving.provider ?? 'unknown'
      }): it has no replicas, GPU profile or runtime to change; only a model change or decommission applies to it`,
    );
  }
  const recordText = committed.files[ENDPOINT_REQUEST_FILE];
  if (recordText !== undefined) {
    let record: EndpointRequestRecord;
    try {
      record = JSON.parse(recordText);
    } catch (error) {
      throw new InputError(
        `${committed.folder}/${ENDPOINT_REQUEST_FILE} is not valid JSON: ${error}`,
      );
    }
    if (record?.kind !== 'EndpointRequest' || !record.request?.name) {
      throw new InputError(
        `${committed.folder}/${ENDPOINT_REQUEST_FILE} does not hold an EndpointRequest`,
      );
    }
    const { request } = record;
    return {
      request: {
        name: request.name,
        owner: request.owner,
        ...(request.system ? { system: request.system } : {}),
        model: request.model,
        gpuProfile: request.gpuProfile,
        cluster: request.cluster,
        runtime: request.runtime,
        contextTokens: request.contextTokens,
        ...(request.maxConcurrentSequences !== undefined
          ? { maxConcurrentSequences: request.maxConcurrentSequences }
          : {}),
        replicas: { ...request.replicas },
        dataClassification: request.dataClassification,
        tensorParallelSize: request.tensorParallelSize,
        gatewayModel: request.gatewayModel,
        ...(request.monthlyBudgetUsd !== undefined
          ? { monthlyBudgetUsd: request.monthlyBudgetUsd }
          : {}),
      },
      ...(record.pausedFrom ? { pausedFrom: { ...record.pausedFrom } } : {}),
    };
  }

  const workloadTexts = Object.entries(committed.files)
    .filter(
      ([file]) =>
        file !== 'catalog-info.yaml' &&
        !file.startsWith('gateway/') &&
        /\.ya?ml$/.test(file),
    )
    .map(([, text]) => text);
  const contextTokens = firstNumber(
    /--max[-_]model[-_]len[= ](\d+)/,
    workloadTexts,
  );
  const tensorParallelSize =
    firstNumber(/--tensor-parallel-size[= ](\d+)/, workloadTexts) ??
    firstNumber(/parallelism:\s*\n\s*tensor:\s*(\d+)/, workloadTexts);
  const request: EndpointRequest = {
    name,
    owner: entity.spec.owner,
    ...(entity.spec.system ? { system: entity.spec.system } : {}),
    model: entity.spec.model?.name,
    gpuProfile: serving.gpuProfile,
    cluster: serving.cluster,
    runtime: serving.runtime,
    ...(contextTokens ? { contextTokens } : {}),
    ...(tensorParallelSize ? { tensorParallelSize } : {}),
    replicas: {
      min: serving.replicas?.min ?? 1,
      max: serving.replicas?.max ?? serving.replicas?.min ?? 1,
    },
    dataClassification: entity.spec.dataClassification,
    gatewayModel: entity.spec.gateway?.model ?? name,
    ...(entity.spec.budget?.monthlyUsd !== undefined
      ? { monthlyBudgetUsd: entity.spec.budget.monthlyUsd }
      : {}),
  };
  const missing = (
    ['owner', 'model', 'gpuProfile', 'cluster', 'runtime'] as const
  ).filter(key => !request[key]);
  if (missing.length > 0) {
    throw new InputError(
      `ModelEndpoint '${name}' in ${
        committed.folder
      }/catalog-info.yaml lacks ${missing.join(
        ', ',
      )}; it cannot be re-planned. Fix the file or recreate the endpoint through the golden path`,
    );
  }
  if (
    !(DATA_CLASSIFICATIONS as readonly string[]).includes(
      request.dataClassification,
    )
  ) {
    throw new InputError(
      `ModelEndpoint '${name}' has no valid spec.dataClassification; it cannot be re-planned`,
    );
  }
  return { request };
}

function isPaused(request: EndpointRequest): boolean {
  return request.replicas.min === 0 && request.replicas.max === 0;
}

/**
 * Applies `operation` to the endpoint's state and returns the proposed state. Throws an
 * InputError for an operation that makes no sense in the current state (resume of a running
 * endpoint, pause of a paused one, scale or change of a paused one). `decommission` is not
 * a state change and is handled by the caller.
 *
 * @internal
 */
export function applyEndpointOperation(
  current: EndpointState,
  operation: Exclude<EndpointOperation, 'decommission'>,
  input: EndpointOperationInput,
): EndpointState {
  const name = current.request.name;
  const paused = isPaused(current.request);
  switch (operation) {
    case 'scale': {
      if (paused) {
        throw new InputError(
          `ModelEndpoint '${name}' is paused; resume it first, then scale it`,
        );
      }
      if (input.minReplicas === undefined && input.maxReplicas === undefined) {
        throw new InputError(
          'scale needs minReplicas, maxReplicas or both (a value left out keeps the current one)',
        );
      }
      const replicas = {
        min: input.minReplicas ?? current.request.replicas.min,
        max: input.maxReplicas ?? current.request.replicas.max,
      };
      if (replicas.max < 1) {
        throw new InputError(
          'scale needs maxReplicas ≥ 1; to stop every replica, pause the endpoint',
        );
      }
      return { request: { ...current.request, replicas } };
    }
    case 'change': {
      if (paused) {
        throw new InputError(
          `ModelEndpoint '${name}' is paused; resume it first, then change it`,
        );
      }
      if (
        input.runtime !== undefined &&
        !(ENDPOINT_PLAN_RUNTIMES as readonly string[]).includes(input.runtime)
      ) {
        throw new InputError(
          `runtime '${
            input.runtime
          }' is not supported; expected one of ${ENDPOINT_PLAN_RUNTIMES.join(
            ', ',
          )}`,
        );
      }
      const request: EndpointRequest = { ...current.request };
      if (input.gpuProfile) request.gpuProfile = input.gpuProfile;
      if (input.model) request.model = input.model;
      if (input.contextTokens !== undefined) {
        request.contextTokens = input.contextTokens;
      }
      if (input.runtime) {
        request.runtime = input.runtime as EndpointRequest['runtime'];
      }
      if (input.tensorParallelSize !== undefined) {
        request.tensorParallelSize = input.tensorParallelSize;
      }
      return { request };
    }
    case 'pause':
      if (paused) {
        throw new InputError(`ModelEndpoint '${name}' is already paused`);
      }
      return {
        request: { ...current.request, replicas: { min: 0, max: 0 } },
        pausedFrom: { ...current.request.replicas },
      };
    case 'resume': {
      if (!paused) {
        throw new InputError(
          `ModelEndpoint '${name}' is not paused (replicas ${current.request.replicas.min} to ${current.request.replicas.max}); nothing to resume`,
        );
      }
      const replicas = current.pausedFrom ?? { min: 1, max: 1 };
      return { request: { ...current.request, replicas } };
    }
    default:
      throw new InputError(`Unknown operation '${operation}'`);
  }
}

/**
 * One field that differs between the endpoint now and after the operation.
 *
 * @internal
 */
export type EndpointFieldChange = {
  field: string;
  before: string;
  after: string;
};

function show(value: unknown): string {
  return value === undefined || value === '' ? '(default)' : String(value);
}

/**
 * The fields that differ between two resolved requests, in a fixed order.
 *
 * @internal
 */
export function diffEndpointRequests(
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
    ['maxConcurrentSequences', r => r.maxConcurrentSequences],
    ['gatewayModel', r => r.gatewayModel],
  ];
  const changes: EndpointFieldChange[] = [];
  for (const [field, read] of fields) {
    const a = show(read(before));
    const b = show(read(after));
    if (a !== b) {
      changes.push({ field, before: a, after: b });
    }
  }
  return changes;
}
