import {
  collectTeamAllocations,
  MODEL_ENDPOINT_KIND,
  normalizeGroupRef,
  type ExistingEndpointAllocation,
} from '@ai-platform/plugin-ai-platform-common';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * Reads the GPUs the team's self-hosted ModelEndpoints hold, from the catalog, with the
 * caller's credentials. The endpoint being planned (same name) is left out, so re-planning an
 * existing endpoint does not count it twice. The counting is `collectTeamAllocations`, the
 * same the backend's plan preview uses.
 *
 * @internal
 */
export async function readTeamAllocations(options: {
  catalog: CatalogService;
  credentials: BackstageCredentials;
  ownerRef: string;
  excludeEndpointName?: string;
}): Promise<ExistingEndpointAllocation[]> {
  if (!normalizeGroupRef(options.ownerRef)) {
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
  return collectTeamAllocations(items, {
    ownerRef: options.ownerRef,
    excludeEndpointName: options.excludeEndpointName,
  });
}
