import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';

// Standalone development backend: `yarn start` in this package.
//
//   curl http://localhost:7007/api/ai-platform/health
//   curl 'http://localhost:7007/api/ai-platform/usage/by-entity/modelendpoint/default/llama-chat?from=2026-11-22T00:00:00Z&to=2026-11-23T00:00:00Z'
//   curl http://localhost:7007/api/ai-platform/usage/unattributed
//
//   curl -X POST http://localhost:7007/api/ai-platform/ingest/litellm \
//     -H 'Authorization: Bearer mock-service-token' -H 'Content-Type: application/json' \
//     -d '{"id":"c1","call_type":"acompletion","model_group":"llama-chat","startTime":1795428900,"endTime":1795428901}'
//
// Requests are authenticated as a mock user; send
// `-H 'Authorization: Bearer mock-none-token'` to call without credentials.

const backend = createBackend();

backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());

backend.add(import('../src'));

backend.start();
