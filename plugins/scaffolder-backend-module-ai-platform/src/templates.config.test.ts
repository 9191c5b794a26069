import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { readDemoAiPlatformConfig } from './__testUtils__/platformConfig';
import { repositoryRoot } from './__testUtils__/scaffolderDryRun';

type ParameterProperty = {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  'ui:field'?: string;
};

function templateProperties(name: string): Record<string, ParameterProperty> {
  const template = yaml.parse(
    readFileSync(
      path.join(repositoryRoot, 'templates', name, 'template.yaml'),
      'utf8',
    ),
  );
  return Object.assign(
    {},
    ...template.spec.parameters.map((page: any) => page.properties ?? {}),
  );
}

describe('templates/ against the platform config', () => {
  const config = readDemoAiPlatformConfig() as any;

  it('every template in templates/ is registered in app-config.yaml', () => {
    const appConfig = yaml.parse(
      readFileSync(path.join(repositoryRoot, 'app-config.yaml'), 'utf8'),
    );
    const targets = appConfig.catalog.locations.map((l: any) => l.target);
    for (const name of readdirSync(path.join(repositoryRoot, 'templates'))) {
      expect(targets).toContain(`../../templates/${name}/template.yaml`);
    }
  });

  it('self-hosted-endpoint: model and GPU profile come from the config through the AI Platform pickers, not hand-written enums', () => {
    const properties = templateProperties('self-hosted-endpoint');
    expect(properties.model).toEqual(
      expect.objectContaining({
        type: 'string',
        'ui:field': 'AiPlatformModelPicker',
      }),
    );
    expect(properties.gpuProfile).toEqual(
      expect.objectContaining({
        type: 'string',
        'ui:field': 'AiPlatformGpuProfilePicker',
      }),
    );
    expect(properties.model.enum).toBeUndefined();
    expect(properties.gpuProfile.enum).toBeUndefined();
  });

  it('self-hosted-endpoint: the cluster choices are clusters of aiPlatform.clusters', () => {
    const { cluster } = templateProperties('self-hosted-endpoint');
    const clusterNames = config.clusters.map((c: any) => c.name);
    expect(clusterNames).toEqual(expect.arrayContaining(cluster.enum!));
    expect(clusterNames).toContain(cluster.default);
  });

  it('self-hosted-endpoint: every context length offered fits the context window of some approved model', () => {
    const { contextTokens } = templateProperties('self-hosted-endpoint');
    const largestContextTokens = Math.max(
      ...config.models.map((m: any) => m.maxContextTokens),
    );
    for (const tokens of contextTokens.enum as number[]) {
      expect(tokens).toBeLessThanOrEqual(largestContextTokens);
    }
  });
});
