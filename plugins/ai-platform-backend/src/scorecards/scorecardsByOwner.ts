import {
  AGENT_KIND,
  MODEL_ENDPOINT_KIND,
} from '@ai-platform/plugin-ai-platform-common';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_OWNED_BY,
  RELATION_PARENT_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { normalizeTelemetryEntityRef } from '../database/telemetrySubject';
import { ScorecardEvaluation, ScorecardResultStore } from './types';

/** Levels of group nesting followed below the owner group. */
const MAX_GROUP_DEPTH = 10;

function serializeEvaluation(evaluation: ScorecardEvaluation) {
  return {
    evaluatedAt: evaluation.evaluatedAt.toISOString(),
    level: evaluation.level,
    checks: evaluation.checks,
  };
}

/**
 * The latest scorecards of the ModelEndpoints and Agents owned by
 * `ownerRef` or its sub-groups (following `parentOf`, at most
 * `MAX_GROUP_DEPTH` levels down) that the user may read, filtered with
 * `ai-platform.telemetry.read` in one batch.
 */
export async function listScorecardsByOwner(
  deps: {
    access: TelemetryReadAccess;
    catalog: CatalogService;
    resultStore: ScorecardResultStore;
  },
  ownerRef: string,
  credentials: BackstageCredentials,
) {
  const ownerEntity = await deps.catalog.getEntityByRef(ownerRef, {
    credentials,
  });
  if (!ownerEntity) {
    throw new NotFoundError(`No entity ${ownerRef} in the catalog`);
  }

  // The owner and its sub-groups, following parentOf relations.
  const groups = new Map<string, Entity>([[ownerRef, ownerEntity]]);
  let frontier = [ownerEntity];
  for (let depth = 0; depth < MAX_GROUP_DEPTH && frontier.length; depth++) {
    const childRefs = frontier
      .flatMap(group => group.relations ?? [])
      .filter(relation => relation.type === RELATION_PARENT_OF)
      .map(relation => relation.targetRef.toLocaleLowerCase('en-US'))
      .filter(ref => !groups.has(ref));
    if (childRefs.length === 0) {
      break;
    }
    const { items } = await deps.catalog.getEntitiesByRefs(
      { entityRefs: [...new Set(childRefs)] },
      { credentials },
    );
    frontier = items.filter((item): item is Entity => Boolean(item));
    for (const child of frontier) {
      groups.set(stringifyEntityRef(child).toLocaleLowerCase('en-US'), child);
    }
  }

  const { items: matching } = await deps.catalog.getEntities(
    {
      filter: {
        kind: [MODEL_ENDPOINT_KIND, AGENT_KIND],
        [`relations.${RELATION_OWNED_BY}`]: [...groups.keys()],
      },
      fields: ['kind', 'metadata', 'spec.owner', 'relations'],
    },
    { credentials },
  );
  // Checked here too: some catalog implementations (the in-memory test
  // catalog) stop at the first array-valued key of a filter.
  const owned = matching.filter(
    entity =>
      [MODEL_ENDPOINT_KIND, AGENT_KIND].includes(entity.kind) &&
      (entity.relations ?? []).some(
        relation =>
          relation.type === RELATION_OWNED_BY &&
          groups.has(relation.targetRef.toLocaleLowerCase('en-US')),
      ),
  );
  const ownedRefs = owned.map(entity =>
    normalizeTelemetryEntityRef(stringifyEntityRef(entity)),
  );
  const readable = await deps.access.filterReadable(
    owned.map((entity, index) => ({ entity, entityRef: ownedRefs[index] })),
    item => item.entityRef,
    credentials,
  );
  const latest = await deps.resultStore.getLatestEvaluations(
    readable.map(item => item.entityRef),
  );

  return {
    owner: ownerRef,
    groups: [...groups.keys()],
    items: readable
      .map(({ entity, entityRef }) => {
        const evaluation = latest.get(entityRef);
        return {
          entityRef,
          kind: entity.kind,
          title: entity.metadata.title ?? entity.metadata.name,
          owner:
            entity.relations
              ?.find(relation => relation.type === RELATION_OWNED_BY)
              ?.targetRef.toLocaleLowerCase('en-US') ?? null,
          ...(evaluation
            ? serializeEvaluation(evaluation)
            : { evaluatedAt: null, level: null, checks: [] }),
        };
      })
      .sort((a, b) => a.entityRef.localeCompare(b.entityRef)),
  };
}
