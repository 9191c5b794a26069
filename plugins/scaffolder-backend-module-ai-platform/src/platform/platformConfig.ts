import {
  readAiPlatformConfig,
  type AiPlatformClusterApiServerConfig,
  type AiPlatformConfig,
  type AiPlatformServingConfig,
} from '@ai-platform/plugin-ai-platform-common';
import type { Config } from '@backstage/config';
import {
  compilePlatformPolicy,
  type CompiledPlatformPolicy,
} from './celPolicies';

// The `aiPlatform` config is read and validated in @ai-platform/plugin-ai-platform-common
// (readAiPlatformConfig), shared with the ai-platform backend's planning API. This module adds
// what only the scaffolder needs: the compiled CEL policies.

/**
 * How rendered endpoints are served (`aiPlatform.serving`), with defaults applied.
 *
 * @internal
 */
export type ServingConfig = AiPlatformServingConfig;

/**
 * How to reach a cluster's Kubernetes API server for direct apply
 * (`aiPlatform.clusters[].apiServer`), with defaults applied.
 *
 * @internal
 */
export type ClusterApiServerConfig = AiPlatformClusterApiServerConfig;

/**
 * The parsed `aiPlatform` planning config: profiles, clusters, models, teams, compiled
 * policies, serving defaults and the API servers of clusters set up for direct apply.
 *
 * @internal
 */
export type AiPlatformPlatformConfig = AiPlatformConfig & {
  policies: CompiledPlatformPolicy[];
};

/**
 * Reads and validates the AI Platform planning config under `aiPlatform`. Every problem is
 * reported at once, each naming its config key; CEL policies are compiled here, so a broken
 * expression stops the backend at startup rather than at the first plan.
 *
 * @internal
 */
export function readAiPlatformPlatformConfig(
  config: Config,
): AiPlatformPlatformConfig {
  const policies: CompiledPlatformPolicy[] = [];
  const platform = readAiPlatformConfig(config, {
    validatePolicy: (policy, configKey) => {
      policies.push(compilePlatformPolicy(policy, configKey));
    },
  });
  return { ...platform, policies };
}
