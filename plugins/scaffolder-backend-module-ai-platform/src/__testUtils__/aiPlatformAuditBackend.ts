// The audit trail is the ai-platform backend's: the tests send the actions' events to it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import aiPlatformPlugin from '@ai-platform/plugin-ai-platform-backend';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { parseEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { AiPlatformBackendClient } from '../gitops/aiPlatformBackendClient';
import { testAiPlatformConfig } from './platformConfig';

/** A client of the ai-platform backend at `baseUrl`, as the module builds it. */
export function aiPlatformBackendClientAt(baseUrl: string) {
  return new AiPlatformBackendClient({
    auth: mockServices.auth({ pluginId: 'scaffolder' }),
    discovery: mockServices.discovery.mock({
      getBaseUrl: async () => baseUrl,
    }),
  });
}

/**
 * Starts the real ai-platform backend (in-memory SQLite) and returns a client of it, as the
 * scaffolder module makes one, and a reader of an entity's audit trail (newest first).
 */
export async function startAiPlatformAuditBackend() {
  const backend = await startTestBackend({
    features: [
      aiPlatformPlugin,
      catalogServiceMock.factory({ entities: [] }),
      mockServices.rootConfig.factory({
        data: { aiPlatform: testAiPlatformConfig },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  return {
    client: aiPlatformBackendClientAt(
      `http://127.0.0.1:${port}/api/ai-platform`,
    ),
    /** The entity's audit events as `GET /audit/by-entity/...` returns them. */
    async auditTrailOf(entityRef: string): Promise<any[]> {
      const { kind, namespace, name } = parseEntityRef(entityRef);
      const response = await request(backend.server)
        .get(`/api/ai-platform/audit/by-entity/${kind}/${namespace}/${name}`)
        .set('authorization', mockCredentials.user.header());
      if (response.status !== 200) {
        throw new Error(
          `reading the audit trail of ${entityRef} failed with HTTP ${
            response.status
          }: ${JSON.stringify(response.body)}`,
        );
      }
      return response.body.items;
    },
    stop: () => backend.stop(),
  };
}
