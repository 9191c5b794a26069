import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { Model } from '@kubernetes-models/base';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { PodSpec } from 'kubernetes-models/v1/PodSpec';
import { Service } from 'kubernetes-models/v1/Service';

/**
 * A maintained model class (`kubernetes-models`, `@kubernetes-models/*`): its prototype's
 * `validate()` runs the library's compiled JSON schema against `this`.
 */
type ModelClass = { prototype: Pick<Model<unknown>, 'validate'> };

/**
 * The structure of each kind the renderer emits that a maintained package describes:
 * Kubernetes core (`kubernetes-models`), KEDA (`@kubernetes-models/keda`) and the Prometheus
 * operator (`@kubernetes-models/prometheus-operator`). KServe kinds have no package; their
 * structure is in kserveStructure.ts.
 */
const modelsByKind: Record<string, ModelClass> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

/**
 * Fields the renderer emits that are newer than the CRD the installed model was generated
 * from (`@kubernetes-models/keda` 0.4 is generated from KEDA 2.10.1), with the check that
 * stands in for the missing schema. Everything else unknown to the model is rejected.
 */
const fieldsNewerThanModel: Record<
  string,
  Record<
    string,
    { since: string; check: (value: unknown) => string | undefined }
  >
> = {
  'keda.sh/v1alpha1/ScaledObject': {
    '/spec/initialCooldownPeriod': {
      since: 'KEDA 2.15',
      check: value =>
        Number.isInteger(value) && (value as number) >= 0
          ? undefined
          : 'must be integer >= 0',
    },
  },
};

/**
 * The `apiVersion/kind` pairs validated through a maintained model.
 *
 * @internal
 */
export const MODELLED_KUBERNETES_KINDS = Object.keys(modelsByKind);

type FieldTrace = { read: Set<string>; enumerated: boolean };

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/**
 * Wraps a value so that every property the library's validator reads, and every object
 * whose keys it enumerates (maps such as labels or resource quantities), is recorded.
 */
function traceReads(root: unknown, traces: Map<object, FieldTrace>): unknown {
  const proxies = new WeakMap<object, object>();
  const traceOf = (target: object) => {
    let trace = traces.get(target);
    if (!trace) {
      trace = { read: new Set(), enumerated: false };
      traces.set(target, trace);
    }
    return trace;
  };
  const wrap = (value: unknown): unknown => {
    if (!isObject(value)) {
      return value;
    }
    const existing = proxies.get(value);
    if (existing) {
      return existing;
    }
    const proxy = new Proxy(value, {
      get(target, key) {
        if (typeof key === 'string') {
          traceOf(target).read.add(key);
        }
        return wrap(Reflect.get(target, key));
      },
      has(target, key) {
        if (typeof key === 'string') {
          traceOf(target).read.add(key);
        }
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        traceOf(target).enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  return wrap(root);
}

/**
 * Fields of plain objects that the validator never looked at although it inspected the
 * object's declared fields. Objects the validator enumerated (maps) or did not inspect at
 * all (free-form objects, such as a CRD's preserve-unknown-fields parts) allow any key.
 */
function unknownFields(
  value: unknown,
  traces: Map<object, FieldTrace>,
  path: string,
  out: Array<{ path: string; known: string[] }>,
) {
  if (Array.isArray(value)) {
    value.forEach((item, i) =>
      unknownFields(item, traces, `${path}/${i}`, out),
    );
    return;
  }
  if (!isObject(value)) {
    return;
  }
  const trace = traces.get(value);
  if (!trace) {
    return;
  }
  const checked = !trace.enumerated && trace.read.size > 0;
  for (const [key, child] of Object.entries(value)) {
    if (checked && !trace.read.has(key)) {
      out.push({ path: `${path}/${key}`, known: [...trace.read].sort() });
    } else {
      unknownFields(child, traces, `${path}/${key}`, out);
    }
  }
}

type LibraryError = {
  instancePath: string;
  message?: string;
  keyword: string;
  params?: Record<string, unknown>;
};

function describeLibraryError(error: LibraryError, prefix: string): string {
  const where = `${prefix}${error.instancePath}` || '/';
  const extra =
    error.keyword === 'enum'
      ? `: ${JSON.stringify(error.params?.allowedValues)}`
      : '';
  return `${where} ${error.message ?? `fails ${error.keyword}`}${extra}`;
}

function validateWithModel(
  model: ModelClass,
  value: unknown,
  describeKind: string,
  prefix = '',
  newerFields: Record<
    string,
    { since: string; check: (value: unknown) => string | undefined }
  > = {},
): string[] {
  const traces = new Map<object, FieldTrace>();
  const problems: string[] = [];
  try {
    model.prototype.validate.call(traceReads(value, traces));
  } catch (error) {
    const errors = (error as { errors?: LibraryError[] }).errors;
    if (!Array.isArray(errors)) {
      throw error;
    }
    problems.push(
      ...errors
        // oneOf/anyOf summaries repeat what their branches already said
        .filter(e => e.keyword !== 'oneOf' && e.keyword !== 'anyOf')
        .map(e => describeLibraryError(e, prefix)),
    );
  }
  const unknown: Array<{ path: string; known: string[] }> = [];
  unknownFields(value, traces, '', unknown);
  for (const field of unknown) {
    const newer = newerFields[field.path];
    if (newer) {
      const problem = newer.check(
        field.path
          .split('/')
          .slice(1)
          .reduce<any>((node, key) => node?.[key], value),
      );
      if (problem) {
        problems.push(`${prefix}${field.path} ${problem}`);
      }
      continue;
    }
    problems.push(
      `${prefix}${
        field.path
      } is not a field of ${describeKind}; expected one of: ${field.known.join(
        ', ',
      )}`,
    );
  }
  return problems;
}

/**
 * Validates an object against the maintained model of its kind: the library's JSON schema
 * (required fields, types, formats such as quantities) plus a strict check that rejects any
 * field the model does not declare. Returns one problem per finding, each naming the field
 * path; an empty list means the structure is valid.
 *
 * @internal
 */
export function validateModelledStructure(object: {
  apiVersion?: unknown;
  kind?: unknown;
}): string[] {
  const key = `${object.apiVersion}/${object.kind}`;
  const model = modelsByKind[key];
  if (!model) {
    throw new Error(`no maintained model for ${key}`);
  }
  return validateWithModel(
    model,
    object,
    `${object.apiVersion} ${object.kind}`,
    '',
    fieldsNewerThanModel[key],
  );
}

/**
 * Validates a Kubernetes PodSpec embedded in another object (a KServe kind) against the
 * maintained core model, unknown fields rejected; problems are reported under `path`.
 *
 * @internal
 */
export function validatePodSpecStructure(
  podSpec: unknown,
  path: string,
): string[] {
  return validateWithModel(PodSpec, podSpec, 'v1 PodSpec', path);
}
