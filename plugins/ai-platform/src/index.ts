/**
 * The AI Platform frontend plugin: the AI Platform page with model endpoints
 * and agents from the catalog.
 *
 * @packageDocumentation
 */

export { aiPlatformPlugin as default } from './plugin';
export { aiPlatformPlugin, aiPlatformOverviewPage } from './plugin';
export { rootRouteRef as aiPlatformRootRouteRef } from './routes';
export { AiPlatformOverviewPage } from './components/AiPlatformOverviewPage';
