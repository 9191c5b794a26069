import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';

// Standalone development backend: `yarn start` in this package.
//
//   curl http://localhost:7007/api/ai-platform/health
//   curl 'http://localhost:7007/api/ai-platform/usage/by-entity/modelendpoint/default/llama-chat?from=2026-11-22T00:00:00Z&to=2026-11-23T00:00:00Z'
//   curl http://localhost:7007/api/ai-platform/usage/unattributed
//
// Requests are authenticated as a mock user; send
// `-H 'Authorization: Bearer mock-none-token'` to call without credentials.

const backend = createBackend();

backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());

backend.add(import('../src'));

backend.start();
