import { readAiPlatformConfig } from '@ai-platform/plugin-ai-platform-common';
import { ConfigReader } from '@backstage/config';
import {
  readDemoAiPlatformConfig,
  testAiPlatformConfig,
} from '../__testUtils__/platformConfig';
import { readAiPlatformPlatformConfig } from './platformConfig';

// The config schema itself is tested in ai-platform-common (planning/platformConfig.test.ts);
// here: the demo config and what the scaffolder adds, the compiled CEL policies.
describe('readAiPlatformPlatformConfig', () => {
  it('loads the demo aiPlatform block of app-config.yaml and compiles its policies', () => {
    const config = new ConfigReader({ aiPlatform: readDemoAiPlatformConfig() });
    const platform = readAiPlatformPlatformConfig(config);
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
    expect(platform.serving.vllmImage).toMatch(/^vllm\/vllm-openai:v/);

    // Same planning config as the shared reader, plus one compiled policy per config entry.
    const shared = readAiPlatformConfig(config);
    expect(platform.planning).toEqual(shared.planning);
    expect(platform.policies.map(p => p.id)).toEqual(
      shared.planning.policies.map(p => p.id),
    );
    expect(platform.policies.length).toBeGreaterThan(0);
    const maxReplicas = platform.policies.find(
      p => p.expression === 'request.replicas.max <= 8',
    )!;
    expect(maxReplicas.evaluate({ request: { replicas: { max: 9 } } })).toBe(
      false,
    );
  });

  it('reports an invalid CEL expression together with the other config problems', () => {
    const bad = structuredClone(testAiPlatformConfig) as any;
    bad.clusters[0].gpuProfiles.push('a100-80gb');
    bad.policies = [
      { id: 'broken', expression: 'request.replicas.max <=', message: 'x' },
    ];
    expect(() =>
      readAiPlatformPlatformConfig(new ConfigReader({ aiPlatform: bad })),
    ).toThrow(
      /Invalid AI Platform config:\n- aiPlatform\.clusters\[0\]\.gpuProfiles\[3\]: unknown GPU profile 'a100-80gb'.*\n- aiPlatform\.policies\[0\]\.expression: policy 'broken' is not a valid CEL expression: /,
    );
  });
});
