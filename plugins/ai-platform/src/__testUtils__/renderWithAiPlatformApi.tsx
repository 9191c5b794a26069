import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { ReactElement } from 'react';
import { aiPlatformApiRef } from '../api';
import { createMockAiPlatformApi } from './mockAiPlatformApi';

/**
 * Renders `element` for `entity` in a test app with `aiPlatformApi` as the
 * AiPlatformApi and entity pages mounted at `/catalog/:namespace/:kind/:name`.
 */
export function renderWithAiPlatformApi(
  element: ReactElement,
  entity: Entity,
  aiPlatformApi: ReturnType<typeof createMockAiPlatformApi>,
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>{element}</EntityProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [[aiPlatformApiRef, aiPlatformApi]],
    },
  );
}
