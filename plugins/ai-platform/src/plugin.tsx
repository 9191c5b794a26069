import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';

import { rootRouteRef } from './routes';

export const page = PageBlueprint.make({
  params: {
    path: '/ai-platform',
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/TodoPage').then(m => (
        <m.TodoPage />
      )),
  },
});

export const aiPlatformPlugin = createFrontendPlugin({
  pluginId: 'ai-platform',
  extensions: [page],
  routes: {
    root: rootRouteRef,
  }
});
