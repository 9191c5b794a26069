import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import createKnex from 'knex';
import { AddressInfo } from 'node:net';
import { DatabaseTelemetryStore } from '../../database/DatabaseTelemetryStore';
import { aiPlatformPlugin } from '../../plugin';

/** The static external-access token an MCP client sends when `staticToken` is set. */
export const MCP_TOKEN = 'test-mcp-token-0123456789';

/**
 * The permission policy of the tests: every user may read every entity's
 * telemetry, except that `user:default/bob` may not read `deniedRefs`;
 * service principals are not asked (Backstage allows them).
 */
function policyPermissions(deniedRefs: string[]): PermissionsService {
  const decide = (credentials: BackstageCredentials, resourceRef?: string) => {
    const principal = credentials.principal as Partial<BackstageUserPrincipal>;
    const denied =
      principal.userEntityRef === 'user:default/bob' &&
      (resourceRef === undefined || deniedRefs.includes(resourceRef));
    return denied ? AuthorizeResult.DENY : AuthorizeResult.ALLOW;
  };
  return {
    authorize: async (requests, { credentials }) =>
      requests.map(request => ({
        result: decide(
          credentials,
          'resourceRef' in request ? request.resourceRef : undefined,
        ),
      })) as any,
    authorizeConditional: async (requests, { credentials }) =>
      requests.map(() => ({ result: decide(credentials) })) as any,
  };
}

/**
 * Starts a backend with the real MCP actions plugin, the real actions registry
 * and actions services, and the AI platform plugin on a fresh database of
 * `databaseId`. With `staticToken`, real auth services accept
 * {@link MCP_TOKEN} as an external-access token; otherwise the mock
 * credentials of `@backstage/backend-test-utils` apply.
 */
export async function startMcpTestBackend(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
  options: {
    entities: Entity[];
    aiPlatform: object;
    deniedRefs?: string[];
    staticToken?: boolean;
  },
) {
  const knex = await databases.init(databaseId);
  const backend = await startTestBackend({
    features: [
      aiPlatformPlugin,
      mcpActionsPlugin,
      actionsRegistryServiceFactory,
      actionsServiceFactory,
      // The plugin's database is the test database; each other plugin gets
      // its own (real auth keeps its keys in every plugin's database).
      createServiceFactory({
        service: coreServices.database,
        deps: { metadata: coreServices.pluginMetadata },
        factory: ({ metadata }) => {
          const client =
            metadata.getId() === 'ai-platform'
              ? knex
              : createKnex({
                  client: 'better-sqlite3',
                  connection: ':memory:',
                  useNullAsDefault: true,
                });
          return { getClient: async () => client };
        },
      }),
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            actions: { pluginSources: ['ai-platform'] },
            ...(options.staticToken
              ? {
                  auth: {
                    externalAccess: [
                      {
                        type: 'static',
                        options: { token: MCP_TOKEN, subject: 'mcp-client' },
                        accessRestrictions: [
                          { plugin: 'mcp-actions' },
                          { plugin: 'ai-platform' },
                        ],
                      },
                    ],
                  },
                }
              : {}),
          },
          aiPlatform: options.aiPlatform,
        } as any,
      }),
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => policyPermissions(options.deniedRefs ?? []),
      }),
      ...(options.staticToken
        ? [authServiceFactory, httpAuthServiceFactory]
        : []),
    ],
  });
  const store = await DatabaseTelemetryStore.create({
    database: { getClient: async () => knex },
    skipMigrations: true,
  });
  const { port } = backend.server.address() as AddressInfo;
  return { backend, server: backend.server, store, port };
}

/** An MCP client of the official SDK, connected over streamable HTTP with `token`. */
export async function connectMcpClient(port: number, token: string) {
  const transport = new StreamableHTTPClientTransport(
    new URL(`http://localhost:${port}/api/mcp-actions/v1`),
    { requestInit: { headers: { Authorization: `Bearer ${token}` } } },
  );
  const client = new Client({ name: 'ai-platform-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** The structured output of a tool call, or the error text when it failed. */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<{ isError: boolean; output: any; text: string }> {
  const result = await client.callTool({
    name: `ai-platform.${name}`,
    arguments: args,
  });
  const text = (result.content as Array<{ type: string; text?: string }>)
    .map(part => part.text ?? '')
    .join('');
  return {
    isError: Boolean(result.isError),
    output: result.structuredContent,
    text,
  };
}
