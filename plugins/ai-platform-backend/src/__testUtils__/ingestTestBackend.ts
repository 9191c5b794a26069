import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { DatabaseTelemetryStore } from '../database/DatabaseTelemetryStore';
import { aiPlatformPlugin } from '../plugin';

/** The databases every store-backed test runs on: PostgreSQL 15 and SQLite. */
export const TEST_DATABASE_IDS: TestDatabaseId[] = ['POSTGRES_15', 'SQLITE_3'];

/**
 * The static external-access token a gateway sends (`Authorization: Bearer …`) when a test
 * starts the backend with `ingestToken: true`; restricted to the `ai-platform` plugin.
 */
export const INGEST_TOKEN = 'test-ingest-token-0123456789';

/** A second static token, restricted to the catalog: ingest must refuse it. */
export const CATALOG_ONLY_TOKEN = 'catalog-only-token-0123456789';

/** The `data` of a mock root config. */
type ConfigData = NonNullable<
  Parameters<typeof mockServices.rootConfig.factory>[0]
>['data'];

export type IngestTestBackendOptions = {
  /** The catalog the plugin resolves join keys against; none by default. */
  entities?: Entity[];
  /** `rootConfig` data, e.g. `{ aiPlatform: { ingest: { maxBodyBytes: 2000 } } }`. */
  config?: object;
  /**
   * What the permission service answers; omitted, the test backend's default permission
   * service is used.
   */
  permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  /**
   * Real auth and httpAuth services with {@link INGEST_TOKEN} (ai-platform only) and
   * {@link CATALOG_ONLY_TOKEN} (catalog only) as static external-access tokens, as a
   * production gateway authenticates; otherwise the mock credentials of
   * `@backstage/backend-test-utils` apply.
   */
  ingestToken?: boolean;
  /** Wraps the database client the plugin gets, e.g. to make it fail like an outage. */
  wrapClient?: (knex: Knex) => Knex;
};

/**
 * Starts a test backend with the AI platform plugin on a fresh database of `databaseId`
 * (from `databases`, which the calling `describe` creates with `TestDatabases.create`).
 * Returns the HTTP server, the raw database client (the plugin's tables, migrated) and a
 * telemetry store on the same database for seeding and reading.
 */
export async function startIngestTestBackend(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
  options: IngestTestBackendOptions = {},
) {
  const knex = await databases.init(databaseId);
  const config = options.ingestToken
    ? withIngestTokens(options.config ?? {})
    : options.config;
  const backend = await startTestBackend({
    features: [
      aiPlatformPlugin,
      mockServices.database.factory({
        knex: options.wrapClient ? options.wrapClient(knex) : knex,
      }),
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
      ...(config
        ? [mockServices.rootConfig.factory({ data: config as ConfigData })]
        : []),
      ...(options.permission
        ? [mockServices.permissions.factory({ result: options.permission })]
        : []),
      ...(options.ingestToken
        ? [authServiceFactory, httpAuthServiceFactory]
        : []),
    ],
  });
  // The plugin has migrated the database already.
  const store = await DatabaseTelemetryStore.create({
    database: { getClient: async () => knex },
    skipMigrations: true,
  });
  return { server: backend.server, knex, store, backend };
}

function withIngestTokens(config: { backend?: object }) {
  const backendConfig = config.backend ?? {};
  return {
    ...config,
    backend: {
      baseUrl: 'http://localhost:7007',
      ...backendConfig,
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: INGEST_TOKEN, subject: 'llm-gateway' },
            accessRestrictions: [{ plugin: 'ai-platform' }],
          },
          {
            type: 'static',
            options: { token: CATALOG_ONLY_TOKEN, subject: 'catalog-reader' },
            accessRestrictions: [{ plugin: 'catalog' }],
          },
        ],
      },
    },
  };
}
