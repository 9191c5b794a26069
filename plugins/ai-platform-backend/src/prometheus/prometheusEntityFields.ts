import {
  MODEL_ENDPOINT_KIND,
  ModelEndpointEntityV1alpha1,
} from '@ai-platform/plugin-ai-platform-common';
import { Entity, parseEntityRef } from '@backstage/catalog-model';

/**
 * A non-blank annotation of an entity.
 *
 * @internal
 */
export function annotation(entity: Entity, name: string): string | undefined {
  const value = entity.metadata.annotations?.[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * The cluster name of a self-hosted ModelEndpoint (`spec.serving.cluster`,
 * a Resource entity ref); `undefined` for anything else.
 *
 * @internal
 */
export function clusterNameOf(entity: Entity): string | undefined {
  if (entity.kind !== MODEL_ENDPOINT_KIND) {
    return undefined;
  }
  const serving = (entity as ModelEndpointEntityV1alpha1).spec?.serving;
  if (serving?.mode !== 'self-hosted' || typeof serving.cluster !== 'string') {
    return undefined;
  }
  try {
    return parseEntityRef(serving.cluster, {
      defaultKind: 'resource',
      defaultNamespace: 'default',
    }).name;
  } catch {
    return undefined;
  }
}
