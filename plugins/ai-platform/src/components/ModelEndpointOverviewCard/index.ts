export { EntityModelEndpointOverviewCard } from './ModelEndpointOverviewCard';
