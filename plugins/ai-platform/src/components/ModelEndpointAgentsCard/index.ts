export { EntityModelEndpointAgentsCard } from './ModelEndpointAgentsCard';
