import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonObject } from '@backstage/types';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import scaffolderModuleAiPlatform from '../index';

/** The repository root (the Backstage app). */
export const repositoryRoot = path.resolve(__dirname, '../../../..');

/** The demo catalog entities from examples/: systems and tool APIs, ModelEndpoints and Agents. */
export function readDemoEntities(): Entity[] {
  return ['systems.yaml', 'model-endpoints.yaml', 'agents.yaml'].flatMap(file =>
    yaml
      .parseAllDocuments(
        readFileSync(path.join(repositoryRoot, 'examples', file), 'utf8'),
      )
      .map(doc => doc.toJS())
      .filter(Boolean),
  );
}

/** A template from templates/<name>/ as the dry-run API takes it: the entity and its files. */
export function readTemplateForDryRun(name: string): {
  template: JsonObject;
  directoryContents: Array<{ path: string; base64Content: string }>;
} {
  const templateDir = path.join(repositoryRoot, 'templates', name);
  const directoryContents: Array<{ path: string; base64Content: string }> = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const absolute = path.join(dir, entry);
      const relative = prefix ? `${prefix}/${entry}` : entry;
      if (statSync(absolute).isDirectory()) {
        walk(absolute, relative);
      } else if (relative !== 'template.yaml') {
        directoryContents.push({
          path: relative,
          base64Content: readFileSync(absolute).toString('base64'),
        });
      }
    }
  };
  walk(templateDir, '');
  return {
    template: yaml.parse(
      readFileSync(path.join(templateDir, 'template.yaml'), 'utf8'),
    ),
    directoryContents,
  };
}

/**
 * Starts a real scaffolder backend with this module, the demo `aiPlatform` config from
 * app-config.yaml (GitOps pointed at `gitopsRepository`) and a catalog holding the demo
 * ModelEndpoints. Returns the HTTP server to send `/api/scaffolder/v2/dry-run` to.
 */
export async function startScaffolderWithAiPlatform(options: {
  gitopsRepository: string;
  /** More catalog entities, e.g. the template entities a real task run reads. */
  extraEntities?: Entity[];
  /**
   * The scaffolder's database (its task store), e.g. `{ knex: await databases.init(id) }`
   * from `TestDatabases`; an in-memory SQLite database when omitted.
   */
  database?: NonNullable<Parameters<typeof mockServices.database.factory>[0]>;
  /** More backend features, e.g. the ai-platform backend plugin the approval gate calls. */
  extraFeatures?: Parameters<typeof startTestBackend>[0]['features'];
}) {
  const appConfig = yaml.parse(
    readFileSync(path.join(repositoryRoot, 'app-config.yaml'), 'utf8'),
  );
  // Stopping a test backend leaves the scaffolder's task worker and its knex pool running; the
  // pool's reaper interval keeps a plain Node process such as `yarn bench` alive. Destroying the
  // pool makes the worker's next poll throw, so the interval is unref'd instead.
  let scaffolderDatabase:
    | { client?: { pool?: { interval?: NodeJS.Timeout | null } } }
    | undefined;
  const databaseHandle = createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'test-database-handle',
    register({ registerInit }) {
      registerInit({
        deps: { database: coreServices.database },
        async init({ database }) {
          scaffolderDatabase = (await database.getClient()) as any;
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      databaseHandle,
      ...(options.database
        ? [mockServices.database.factory(options.database)]
        : []),
      scaffolderModuleAiPlatform,
      ...(options.extraFeatures ?? []),
      catalogServiceMock.factory({
        entities: [...readDemoEntities(), ...(options.extraEntities ?? [])],
      }),
      mockServices.rootConfig.factory({
        data: {
          aiPlatform: {
            ...appConfig.aiPlatform,
            gitops: { repository: options.gitopsRepository, branch: 'main' },
          },
        },
      }),
    ],
  });
  return {
    ...backend,
    async stop() {
      await backend.stop();
      scaffolderDatabase?.client?.pool?.interval?.unref();
    },
  };
}
