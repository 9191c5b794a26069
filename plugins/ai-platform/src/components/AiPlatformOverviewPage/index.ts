export { AiPlatformOverviewPage } from './AiPlatformOverviewPage';
