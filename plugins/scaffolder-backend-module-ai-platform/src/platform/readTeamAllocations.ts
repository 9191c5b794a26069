import {
  isModelEndpointEntityV1alpha1,
  MODEL_ENDPOINT_KIND,
  normalizeGroupRef,
  type ExistingEndpointAllocation,
} from '@ai-platform/plugin-ai-platform-common';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * Reads the GPUs the team's self-hosted ModelEndpoints hold, from the catalog, with the
 * caller's credentials. The endpoint being planned (same name) is left out, so re-planning an
 * existing endpoint does not count it twice.
 *
 * @internal
 */
export async function readTeamAllocations(options: {
  catalog: CatalogService;
  credentials: BackstageCredentials;
  ownerRef: string;
  excludeEndpointName?: string;
}): Promise<ExistingEndpointAllocation[]> {
  const owner = normalizeGroupRef(options.ownerRef);
  if (!owner) {
    return [];
  }
  const { items } = await options.catalog.getEntities(
    {
      filter: {
        kind: MODEL_ENDPOINT_KIND,
        'spec.serving.mode': 'self-hosted',
      },
    },
    { credentials: options.credentials },
  );
  const allocations: ExistingEndpointAllocation[] = [];
  for (const entity of items) {
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
