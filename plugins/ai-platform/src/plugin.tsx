import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import PsychologyIcon from '@mui/icons-material/Psychology';
import { rootRouteRef } from './routes';
import {
  agentDependenciesEntityCard,
  agentOverviewEntityCard,
  modelEndpointAgentsEntityCard,
  modelEndpointOverviewEntityCard,
  groupAiScorecardsEntityContent,
  scorecardEntityContent,
  scorecardSummaryEntityCard,
  toolAgentsEntityCard,
  auditHistoryEntityCard,
} from './entityCards';
import { aiPlatformApiRef, AiPlatformClient } from './api';
import {
  aiPlatformEndpointChangePreviewFormField,
  aiPlatformGpuProfilePickerFormField,
  aiPlatformModelPickerFormField,
} from './components/ScaffolderFields/formFields';

/**
 * The {@link AiPlatformApi} of the app: an {@link AiPlatformClient} on the
 * discovery and fetch APIs.
 *
 * @remarks
 * Extension id `api:ai-platform`.
 *
 * @alpha
 */
export const aiPlatformApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: aiPlatformApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new AiPlatformClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The AI Platform overview page, at `/ai-platform`.
 *
 * @remarks
 * Extension id `page:ai-platform`. Its title and icon also make it a sidebar
 * nav item (the app derives nav items from pages with a route ref, a title
 * and an icon). The page renders its own header, so the default plugin
 * header is hidden.
 *
 * @public
 */
export const aiPlatformOverviewPage = PageBlueprint.make({
  params: {
    path: '/ai-platform',
    title: 'AI Platform',
    icon: <PsychologyIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    noHeader: true,
    loader: () =>
      import('./components/AiPlatformOverviewPage').then(m => (
        <m.AiPlatformOverviewPage />
      )),
  },
});

/**
 * The AI Platform frontend plugin for the new frontend system.
 *
 * @public
 */
export const aiPlatformPlugin = createFrontendPlugin({
  pluginId: 'ai-platform',
  title: 'AI Platform',
  icon: <PsychologyIcon fontSize="inherit" />,
  extensions: [
    aiPlatformApi,
    aiPlatformOverviewPage,
    modelEndpointOverviewEntityCard,
    modelEndpointAgentsEntityCard,
    agentOverviewEntityCard,
    agentDependenciesEntityCard,
    toolAgentsEntityCard,
    scorecardSummaryEntityCard,
    auditHistoryEntityCard,
    scorecardEntityContent,
    groupAiScorecardsEntityContent,
    aiPlatformModelPickerFormField,
    aiPlatformGpuProfilePickerFormField,
    aiPlatformEndpointChangePreviewFormField,
  ],
  routes: {
    root: rootRouteRef,
  },
});
