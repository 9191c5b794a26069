import type { ErrorObject, ValidateFunction } from 'ajv';
import { kserveSchemas } from './kserveStructure';
import {
  MODELLED_KUBERNETES_KINDS,
  validateModelledStructure,
  validatePodSpecStructure,
} from './kubernetesStructure';
import { platformAjv, platformPolicies } from './platformPolicies';

/**
 * A Kubernetes object as rendered: apiVersion, kind, metadata and the rest.
 *
 * @internal
 */
export type KubernetesObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
};

const ownSchemas: Record<string, object> = {
  ...platformPolicies,
  ...kserveSchemas,
};
const ownValidators: Record<string, ValidateFunction> = Object.fromEntries(
  Object.entries(ownSchemas).map(([key, schema]) => [
    key,
    platformAjv.compile(schema),
  ]),
);

/**
 * The `apiVersion/kind` pairs the renderer may emit.
 *
 * @internal
 */
export const RENDERED_KUBERNETES_KINDS = Object.keys(ownSchemas);

function describeError(error: ErrorObject): string {
  const where = error.instancePath || '/';
  const extra =
    error.keyword === 'const'
      ? ` ${JSON.stringify(error.params.allowedValue)}`
      : '';
  return `${where} ${error.message}${extra}`;
}

function structureProblems(object: KubernetesObject, key: string): string[] {
  if (MODELLED_KUBERNETES_KINDS.includes(key)) {
    return validateModelledStructure(object);
  }
  if (key === 'serving.kserve.io/v1alpha2/LLMInferenceService') {
    const template = (object.spec as { template?: unknown } | undefined)
      ?.template;
    return template === undefined
      ? []
      : validatePodSpecStructure(template, '/spec/template');
  }
  return [];
}

/**
 * Validates a rendered Kubernetes object: its structure against the maintained model of its
 * kind (`kubernetes-models`, `@kubernetes-models/keda`, `@kubernetes-models/prometheus-operator`;
 * unknown fields rejected) or, for the KServe kinds, against our own schema; then the
 * platform's rules (DNS-1123 names, labels, GPU requests equal to limits, restricted
 * security context, probes, /dev/shm in memory, secrets only by reference). Throws an Error
 * naming the kind and name and listing every problem with its field path.
 *
 * @internal
 */
export function validateKubernetesObject(object: KubernetesObject): void {
  const key = `${object?.apiVersion}/${object?.kind}`;
  const validate = ownValidators[key];
  const label = `${object?.kind ?? '?'} ${object?.metadata?.name ?? '?'}`;
  if (!validate) {
    throw new Error(
      `${label}: no schema for ${key}; the renderer emits only ${RENDERED_KUBERNETES_KINDS.join(
        ', ',
      )}`,
    );
  }
  const problems: string[] = [];
  if (!validate(object)) {
    problems.push(
      ...(validate.errors ?? [])
        .filter(e => e.keyword !== 'if')
        .map(describeError),
    );
  }
  problems.push(...structureProblems(object, key));
  if (problems.length > 0) {
    throw new Error(
      `Rendered ${label} is invalid: ${[...new Set(problems)].join('; ')}`,
    );
  }
}

/**
 * Validates every rendered object of an endpoint; the first invalid one throws, its message
 * prefixed with the manifest's file name.
 *
 * @internal
 */
export function validateRenderedManifests(
  manifests: Array<[string, KubernetesObject]>,
): void {
  for (const [file, object] of manifests) {
    try {
      validateKubernetesObject(object);
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
  }
}
