import { ConfigReader } from '@backstage/config';
import {
  readDemoAiPlatformConfig,
  testAiPlatformConfig,
} from '../__testUtils__/platformConfig';
import { readAiPlatformPlatformConfig } from './platformConfig';

describe('readAiPlatformPlatformConfig', () => {
  it('loads the demo aiPlatform block of app-config.yaml', () => {
    const platform = readAiPlatformPlatformConfig(
      new ConfigReader({ aiPlatform: readDemoAiPlatformConfig() }),
    );
    expect(platform.planning.gpuProfiles.map(p => p.id)).toEqual([
      'h100-80gb',
      'h100-mig-3g-40gb',
      'l4-24gb',
    ]);
    expect(platform.planning.teams.map(t => t.group)).toEqual([
      'group:default/ml-platform',
      'group:default/support-experience',
      'group:default/developer-productivity',
    ]);
    expect(platform.planning.models.map(m => m.name)).toContain('BAAI/bge-m3');
    expect(platform.policies.length).toBeGreaterThan(0);
    expect(platform.serving.vllmImage).toMatch(/^vllm\/vllm-openai:v/);
  });

  it('applies defaults when only gitops is configured', () => {
    const platform = readAiPlatformPlatformConfig(
      new ConfigReader({ aiPlatform: { gitops: { repository: '/x.git' } } }),
    );
    expect(platform.planning.gpuMemoryUtilization).toBe(0.92);
    expect(platform.planning.hoursPerMonth).toBe(730);
    expect(platform.planning.models).toEqual([]);
    expect(platform.serving.hfTokenSecret).toEqual({
      name: 'hf-token',
      key: 'HF_TOKEN',
    });
  });

  it('names the config key of each type error', () => {
    const bad = structuredClone(testAiPlatformConfig) as any;
    bad.gpuProfiles[1].resourceName = 'amd.com/gpu';
    bad.models[0].layers = 'thirty-two';
    delete bad.teams[0].monthlyBudgetUsd;
    expect(() =>
      readAiPlatformPlatformConfig(new ConfigReader({ aiPlatform: bad })),
    ).toThrow(
      /Invalid AI Platform config:\n- aiPlatform\.gpuProfiles\[1\]\.resourceName: must be nvidia\.com\/gpu, nvidia\.com\/gpu\.shared or a MIG resource like nvidia\.com\/mig-3g\.40gb\n- aiPlatform\.models\[0\]\.layers: .*\n- aiPlatform\.teams\[0\]\.monthlyBudgetUsd: /,
    );
  });

  it('reports dangling references and duplicates, all at once', () => {
    const bad = structuredClone(testAiPlatformConfig) as any;
    bad.clusters[0].gpuProfiles.push('a100-80gb');
    bad.teams[1].gpuQuota.b200 = 2;
    bad.teams.push({ ...bad.teams[0] });
    bad.teams[0].group = 'user:default/jane';
    bad.models.push({ ...bad.models[0] });
    expect(() =>
      readAiPlatformPlatformConfig(new ConfigReader({ aiPlatform: bad })),
    ).toThrow(
      [
        'Invalid AI Platform config:',
        "- aiPlatform.models: 'meta-llama/Llama-3.1-8B-Instruct' is defined more than once",
        "- aiPlatform.clusters[0].gpuProfiles[3]: unknown GPU profile 'a100-80gb'; known: h100-80gb, h100-mig-3g-40gb, l4-24gb",
        "- aiPlatform.teams[0].group: 'user:default/jane' must be a group reference like group:default/ml-platform",
        '- aiPlatform.teams[1].gpuQuota.b200: unknown GPU profile; known: h100-80gb, h100-mig-3g-40gb, l4-24gb',
      ].join('\n'),
    );
  });

  it('reads cluster API servers for direct apply, keeping the token out of the planning config', () => {
    const [cluster] = testAiPlatformConfig.clusters as any[];
    const platform = readAiPlatformPlatformConfig(
      new ConfigReader({
        aiPlatform: {
          ...testAiPlatformConfig,
          clusters: [
            {
              ...cluster,
              apiServer: {
                url: 'https://gpu-eu-west-1.example.com:6443',
                serviceAccountToken: 'sa-token',
              },
            },
          ],
        },
      }),
    );
    expect(platform.clusterApiServers).toEqual({
      'gpu-eu-west-1': {
        url: 'https://gpu-eu-west-1.example.com:6443',
        skipTLSVerify: false,
        serviceAccountToken: 'sa-token',
      },
    });
    expect(JSON.stringify(platform.planning)).not.toContain('sa-token');

    expect(() =>
      readAiPlatformPlatformConfig(
        new ConfigReader({
          aiPlatform: {
            ...testAiPlatformConfig,
            clusters: [{ ...cluster, apiServer: { url: 'not a url' } }],
          },
        }),
      ),
    ).toThrow(
      [
        'Invalid AI Platform config:',
        '- aiPlatform.clusters[0].apiServer.url: Invalid URL',
        '- aiPlatform.clusters[0].apiServer.serviceAccountToken: Invalid input: expected string, received undefined',
      ].join('\n'),
    );
  });
});
