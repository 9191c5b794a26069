import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { ClusterApiServerConfig } from '../platform/platformConfig';
import type { KubernetesManifestObject } from './readKubernetesManifests';

/**
 * Field manager recorded in `metadata.managedFields` of every object the platform applies.
 *
 * @internal
 */
export const AI_PLATFORM_FIELD_MANAGER = 'backstage-ai-platform';

/**
 * What the API server returned for one applied object.
 *
 * @internal
 */
export type AppliedKubernetesObject = {
  kind: string;
  namespace?: string;
  name: string;
  /** `metadata.resourceVersion` after the apply, or `dry-run` for a server-side dry run. */
  resourceVersion: string;
};

/**
 * Creates a `KubernetesObjectApi` for one configured cluster, authenticated with its
 * ServiceAccount token.
 *
 * @internal
 */
export function createClusterObjectApi(
  clusterName: string,
  apiServer: ClusterApiServerConfig,
): KubernetesObjectApi {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: clusterName,
        server: apiServer.url,
        caData: apiServer.caData,
        skipTLSVerify: apiServer.skipTLSVerify,
      },
    ],
    users: [{ name: 'ai-platform', token: apiServer.serviceAccountToken }],
    contexts: [
      { name: clusterName, cluster: clusterName, user: 'ai-platform' },
    ],
    currentContext: clusterName,
  });
  return KubernetesObjectApi.makeApiClient(kubeConfig);
}

function describeObject(object: KubernetesManifestObject): string {
  const { namespace, name } = object.metadata;
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** The API server's `Status.message`, or its raw body when it is not a Status. */
function serverMessage(body: unknown): string {
  if (typeof body === 'string') {
    try {
      return serverMessage(JSON.parse(body));
    } catch {
      return body.slice(0, 500);
    }
  }
  if (body && typeof body === 'object' && 'message' in body) {
    return String((body as { message: unknown }).message);
  }
  return JSON.stringify(body ?? '').slice(0, 500);
}

function toApplyError(
  error: unknown,
  clusterName: string,
  object: KubernetesManifestObject,
): Error {
  const what = `${describeObject(object)} (from ${
    object.file
  }) on cluster '${clusterName}'`;
  const status = (error as { code?: unknown }).code;
  if (typeof status === 'number' && 'body' in (error as object)) {
    const message = `Kubernetes API server rejected ${what} (HTTP ${status}): ${serverMessage(
      (error as { body: unknown }).body,
    )}`;
    if (status === 401 || status === 403) return new NotAllowedError(message);
    if (status === 404) return new NotFoundError(message);
    if (status === 409) return new ConflictError(message);
    if (status === 400 || status === 422) return new InputError(message);
    return new Error(message);
  }
  // Discovery failures ("Unrecognized API version and kind") and network errors. The
  // client's messages carry no request headers, so the token cannot leak through them.
  return new Error(
    `Could not apply ${what}: ${(error as Error)?.message ?? String(error)}`,
  );
}

/**
 * Applies one object with server-side apply (`PATCH` with content type
 * `application/apply-patch+yaml`, our field manager, optional `force`). With `dryRun` the
 * API server runs admission and validation (`dryRun=All`) without persisting anything.
 * Errors name the object, its file and the server's `Status.message`.
 *
 * @internal
 */
export async function serverSideApply(
  api: KubernetesObjectApi,
  clusterName: string,
  object: KubernetesManifestObject,
  options: { dryRun: boolean; force: boolean },
): Promise<AppliedKubernetesObject> {
  const { file: _file, ...spec } = object;
  let applied: KubernetesObject;
  try {
    applied = await api.patch(
      spec as KubernetesObject,
      undefined,
      options.dryRun ? 'All' : undefined,
      AI_PLATFORM_FIELD_MANAGER,
      options.force ? true : undefined,
      PatchStrategy.ServerSideApply,
    );
  } catch (error) {
    throw toApplyError(error, clusterName, object);
  }
  return {
    kind: object.kind,
    ...(object.metadata.namespace
      ? { namespace: object.metadata.namespace }
      : {}),
    name: object.metadata.name,
    resourceVersion: options.dryRun
      ? 'dry-run'
      : applied?.metadata?.resourceVersion ?? '',
  };
}
