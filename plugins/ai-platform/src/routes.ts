import { createRouteRef } from '@backstage/frontend-plugin-api';

/**
 * The route of the AI Platform overview page (`/ai-platform` by default).
 *
 * @public
 */
export const rootRouteRef = createRouteRef();
