import { ConfigReader } from '@backstage/config';
import { readAiPlatformConfig } from './platformConfig';
import { testPlanningConfig } from './testPlanningConfig';

// testPlanningConfig is also a valid raw `aiPlatform` block (hoursPerMonth is not a config
// key and is dropped).
function rawConfig(): any {
  return {
    ...structuredClone(testPlanningConfig),
    policies: [
      {
        id: 'max-eight-replicas',
        expression: 'request.replicas.max <= 8',
        message: 'An endpoint may scale to at most 8 replicas',
      },
      {
        id: 'endpoint-cost-cap',
        expression: 'plan.cost.monthlyMaxUsd <= 25000',
        message: 'One endpoint may cost at most 25,000 USD a month',
      },
    ],
  };
}

describe('readAiPlatformConfig', () => {
  it('reads the planning config, with defaults applied', () => {
    const platform = readAiPlatformConfig(
      new ConfigReader({ aiPlatform: rawConfig() }),
    );
    expect(platform.planning.gpuProfiles.map(p => p.id)).toEqual([
      'h100-80gb',
      'h100-mig-3g-40gb',
      'l4-24gb',
    ]);
    expect(platform.planning.models.map(m => m.name)).toEqual([
      'meta-llama/Llama-3.1-8B-Instruct',
      'meta-llama/Llama-3.1-70B-Instruct',
      'BAAI/bge-m3',
    ]);
    expect(platform.planning.teams.map(t => t.group)).toEqual([
      'group:default/ml-platform',
      'group:default/support-experience',
    ]);
    expect(platform.planning.policies.map(p => p.id)).toEqual([
      'max-eight-replicas',
      'endpoint-cost-cap',
    ]);
    expect(platform.planning.hoursPerMonth).toBe(730);
    expect(platform.clusterApiServers).toEqual({});
  });

  it('applies defaults when only gitops is configured', () => {
    const platform = readAiPlatformConfig(
      new ConfigReader({ aiPlatform: { gitops: { repository: '/x.git' } } }),
    );
    expect(platform.planning.gpuMemoryUtilization).toBe(0.92);
    expect(platform.planning.hoursPerMonth).toBe(730);
    expect(platform.planning.models).toEqual([]);
    expect(platform.serving.hfTokenSecret).toEqual({
      name: 'hf-token',
      key: 'HF_TOKEN',
    });
    expect(platform.serving.vllmImage).toMatch(/^vllm\/vllm-openai:v/);
  });

  it('reads an empty config as an empty platform', () => {
    const platform = readAiPlatformConfig(new ConfigReader({}));
    expect(platform.planning.gpuProfiles).toEqual([]);
    expect(platform.planning.clusters).toEqual([]);
  });

  it('names the config key of each type error', () => {
    const bad = rawConfig();
    bad.gpuProfiles[1].resourceName = 'amd.com/gpu';
    bad.models[0].layers = 'thirty-two';
    delete bad.teams[0].monthlyBudgetUsd;
    expect(() =>
      readAiPlatformConfig(new ConfigReader({ aiPlatform: bad })),
    ).toThrow(
      /Invalid AI Platform config:\n- aiPlatform\.gpuProfiles\[1\]\.resourceName: must be nvidia\.com\/gpu, nvidia\.com\/gpu\.shared or a MIG resource like nvidia\.com\/mig-3g\.40gb\n- aiPlatform\.models\[0\]\.layers: .*\n- aiPlatform\.teams\[0\]\.monthlyBudgetUsd: /,
    );
  });

  it('reports dangling references, duplicates and invalid policies, all at once', () => {
    const bad = rawConfig();
    bad.clusters[0].gpuProfiles.push('a100-80gb');
    bad.teams[1].gpuQuota.b200 = 2;
    bad.teams.push({ ...bad.teams[0] });
    bad.teams[0].group = 'user:default/jane';
    bad.models.push({ ...bad.models[0] });
    bad.models[1].defaultContextTokens = 262144;
    expect(() =>
      readAiPlatformConfig(new ConfigReader({ aiPlatform: bad }), {
        validatePolicy: (policy, configKey) => {
          if (policy.id === 'endpoint-cost-cap') {
            throw new Error(`${configKey}.expression: rejected by the test`);
          }
        },
      }),
    ).toThrow(
      [
        'Invalid AI Platform config:',
        "- aiPlatform.models: 'meta-llama/Llama-3.1-8B-Instruct' is defined more than once",
        "- aiPlatform.clusters[0].gpuProfiles[3]: unknown GPU profile 'a100-80gb'; known: h100-80gb, h100-mig-3g-40gb, l4-24gb",
        '- aiPlatform.models[1].defaultContextTokens: 262144 exceeds maxContextTokens 131072',
        "- aiPlatform.teams[0].group: 'user:default/jane' must be a group reference like group:default/ml-platform",
        '- aiPlatform.teams[1].gpuQuota.b200: unknown GPU profile; known: h100-80gb, h100-mig-3g-40gb, l4-24gb',
        '- aiPlatform.policies[1].expression: rejected by the test',
      ].join('\n'),
    );
  });

  it('reads cluster API servers for direct apply, keeping the token out of the planning config', () => {
    const raw = rawConfig();
    raw.clusters[0].apiServer = {
      url: 'https://gpu-eu-west-1.example.com:6443',
      serviceAccountToken: 'sa-token',
    };
    const platform = readAiPlatformConfig(
      new ConfigReader({ aiPlatform: raw }),
    );
    expect(platform.clusterApiServers).toEqual({
      'gpu-eu-west-1': {
        url: 'https://gpu-eu-west-1.example.com:6443',
        skipTLSVerify: false,
        serviceAccountToken: 'sa-token',
      },
    });
    expect(JSON.stringify(platform.planning)).not.toContain('sa-token');

    raw.clusters[0].apiServer = { url: 'not a url' };
    expect(() =>
      readAiPlatformConfig(new ConfigReader({ aiPlatform: raw })),
    ).toThrow(
      [
        'Invalid AI Platform config:',
        '- aiPlatform.clusters[0].apiServer.url: Invalid URL',
        '- aiPlatform.clusters[0].apiServer.serviceAccountToken: Invalid input: expected string, received undefined',
      ].join('\n'),
    );
  });
});
