import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { isModelEndpointEntityV1alpha1 } from '../kinds';
import { normalizeGroupRef } from './planEndpoint';
import type { ExistingEndpointAllocation } from './types';

/**
 * The GPUs a team's self-hosted ModelEndpoints hold, from catalog entities (e.g. every
 * `ModelEndpoint` with `spec.serving.mode: self-hosted`). Entities of other owners, managed
 * endpoints and endpoints without a GPU profile are left out, and so is the endpoint being
 * planned (`excludeEndpointName`), so re-planning it does not count it twice.
 *
 * @public
 */
export function collectTeamAllocations(
  entities: Entity[],
  options: { ownerRef: string; excludeEndpointName?: string },
): ExistingEndpointAllocation[] {
  const owner = normalizeGroupRef(options.ownerRef);
  if (!owner) {
    return [];
  }
  const allocations: ExistingEndpointAllocation[] = [];
  for (const entity of entities) {
    if (!isModelEndpointEntityV1alpha1(entity)) {
      continue;
    }
    const serving = entity.spec.serving;
    if (serving.mode !== 'self-hosted' || !serving.gpuProfile) {
      continue;
    }
    const entityOwner = normalizeGroupRef(
      entity.spec.owner.includes('/') || entity.spec.owner.includes(':')
        ? entity.spec.owner
        : `group:${entity.metadata.namespace ?? 'default'}/${
            entity.spec.owner
          }`,
    );
    if (entityOwner !== owner) {
      continue;
    }
    if (entity.metadata.name === options.excludeEndpointName) {
      continue;
    }
    allocations.push({
      entityRef: stringifyEntityRef(entity),
      gpuProfile: serving.gpuProfile,
      maxReplicas: serving.replicas?.max ?? serving.replicas?.min ?? 1,
      gpuHourUsd: entity.spec.pricing?.gpuHourUsd,
    });
  }
  return allocations;
}
