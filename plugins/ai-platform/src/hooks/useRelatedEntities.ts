import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { readRelationTargets } from '../components/AiEntityFields';

/** The target of one relation, with the entity when the catalog has it. */
export interface RelatedEntity {
  ref: CompoundEntityRef;
  /** The stringified reference, e.g. `agent:default/support-triage-agent`. */
  refString: string;
  /** Undefined when the target is not (or no longer) in the catalog. */
  entity?: Entity;
}

/**
 * Loads the targets of an entity's relations of one type from the catalog
 * in one `getEntitiesByRefs` call, in relation order.
 */
export function useRelatedEntities(entity: Entity, relationType: string) {
  const catalogApi = useApi(catalogApiRef);
  const targets = readRelationTargets(entity, relationType);
  const refStrings = targets.map(ref => stringifyEntityRef(ref));
  const key = refStrings.join(',');

  return useAsync(async (): Promise<RelatedEntity[]> => {
    if (refStrings.length === 0) {
      return [];
    }
    const { items } = await catalogApi.getEntitiesByRefs({
      entityRefs: refStrings,
    });
    return targets.map((ref, index) => ({
      ref,
      refString: refStrings[index],
      entity: items[index],
    }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [catalogApi, key]);
}
