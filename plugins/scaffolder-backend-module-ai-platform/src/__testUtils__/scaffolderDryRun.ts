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

/** The demo ModelEndpoint entities from examples/model-endpoints.yaml. */
export function readDemoEntities(): Entity[] {
  return yaml
    .parseAllDocuments(
      readFileSync(
        path.join(repositoryRoot, 'examples/model-endpoints.yaml'),
        'utf8',
      ),
    )
    .map(doc => doc.toJS())
    .filter(Boolean);
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
}) {
  const appConfig = yaml.parse(
    readFileSync(path.join(repositoryRoot, 'app-config.yaml'), 'utf8'),
  );
  return startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleAiPlatform,
      catalogServiceMock.factory({ entities: readDemoEntities() }),
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
}
