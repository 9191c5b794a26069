import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { ReactElement } from 'react';

/**
 * Renders an entity card for `entity` in a test app whose catalog holds
 * `catalogEntities`, with entity pages mounted at
 * `/catalog/:namespace/:kind/:name` so links resolve.
 */
export function renderEntityCard(
  card: ReactElement,
  entity: Entity,
  catalogEntities: Entity[] = [],
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>{card}</EntityProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [catalogApiMock({ entities: catalogEntities })],
    },
  );
}
