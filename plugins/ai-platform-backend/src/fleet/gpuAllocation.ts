import { RootConfigService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  asPositiveNumber,
  asRecord,
  asString,
  entityRefOf,
  NO_OWNER,
  ownerOf,
} from './catalogEntityFields';

/** GPU profile and team quota config read from `aiPlatform`. */
export interface GpuConfig {
  gpusPerReplicaByProfile: Map<string, number>;
  quotas: Array<{ team: string; gpuProfile: string; quotaGpus: number }>;
}

/**
 * Reads `aiPlatform.gpuProfiles[].gpusPerReplica` (default 1) and
 * `aiPlatform.teams[].gpuQuota`. Invalid entries are skipped: the scaffolder
 * module validates this config and reports them.
 *
 * @internal
 */
export function readGpuConfig(config: RootConfigService): GpuConfig {
  const gpusPerReplicaByProfile = new Map<string, number>();
  for (const profile of config.getOptionalConfigArray(
    'aiPlatform.gpuProfiles',
  ) ?? []) {
    const id = profile.getOptionalString('id');
    if (id) {
      gpusPerReplicaByProfile.set(
        id,
        profile.getOptionalNumber('gpusPerReplica') ?? 1,
      );
    }
  }
  const quotas: GpuConfig['quotas'] = [];
  for (const team of config.getOptionalConfigArray('aiPlatform.teams') ?? []) {
    const group = team.getOptionalString('group');
    const quota = team.getOptionalConfig('gpuQuota');
    if (!group || !quota) {
      continue;
    }
    let teamRef: string;
    try {
      teamRef = stringifyEntityRef(
        parseEntityRef(group, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      ).toLocaleLowerCase('en-US');
    } catch {
      continue;
    }
    for (const gpuProfile of quota.keys()) {
      const quotaGpus = quota.getOptionalNumber(gpuProfile);
      if (quotaGpus !== undefined) {
        quotas.push({ team: teamRef, gpuProfile, quotaGpus });
      }
    }
  }
  return { gpusPerReplicaByProfile, quotas };
}

/** GPU allocation by cluster and profile and by team and profile. */
export function gpuAllocation(modelEndpoints: Entity[], gpuConfig: GpuConfig) {
  const byClusterAndProfile = new Map<
    string,
    {
      cluster: string;
      gpuProfile: string;
      endpointCount: number;
      gpusAtMinReplicas: number;
      gpusAtMaxReplicas: number;
    }
  >();
  const byTeamAndProfile = new Map<
    string,
    {
      team: string;
      gpuProfile: string;
      gpusAtMaxReplicas: number;
      quotaGpus: number | null;
    }
  >();
  const incompleteEndpoints: Array<{ entityRef: string; missing: string[] }> =
    [];

  for (const quota of gpuConfig.quotas) {
    byTeamAndProfile.set(JSON.stringify([quota.team, quota.gpuProfile]), {
      team: quota.team,
      gpuProfile: quota.gpuProfile,
      gpusAtMaxReplicas: 0,
      quotaGpus: quota.quotaGpus,
    });
  }

  for (const entity of modelEndpoints) {
    const serving = asRecord(asRecord(entity.spec).serving);
    if (serving.mode !== 'self-hosted') {
      continue;
    }
    const cluster = asString(serving.cluster);
    const gpuProfile = asString(serving.gpuProfile);
    const replicas = asRecord(serving.replicas);
    const maxReplicas = asPositiveNumber(replicas.max);
    const minReplicas = asPositiveNumber(replicas.min) ?? 0;
    const missing = [
      ...(cluster ? [] : ['spec.serving.cluster']),
      ...(gpuProfile ? [] : ['spec.serving.gpuProfile']),
      ...(maxReplicas !== undefined ? [] : ['spec.serving.replicas.max']),
    ];
    if (!cluster || !gpuProfile || maxReplicas === undefined) {
      incompleteEndpoints.push({ entityRef: entityRefOf(entity), missing });
      continue;
    }
    const gpusPerReplica =
      gpuConfig.gpusPerReplicaByProfile.get(gpuProfile) ?? 1;
    const key = JSON.stringify([cluster, gpuProfile]);
    const row = byClusterAndProfile.get(key) ?? {
      cluster,
      gpuProfile,
      endpointCount: 0,
      gpusAtMinReplicas: 0,
      gpusAtMaxReplicas: 0,
    };
    row.endpointCount += 1;
    row.gpusAtMinReplicas += minReplicas * gpusPerReplica;
    row.gpusAtMaxReplicas += maxReplicas * gpusPerReplica;
    byClusterAndProfile.set(key, row);

    const team = ownerOf(entity) ?? NO_OWNER;
    const teamKey = JSON.stringify([team, gpuProfile]);
    const teamRow = byTeamAndProfile.get(teamKey) ?? {
      team,
      gpuProfile,
      gpusAtMaxReplicas: 0,
      quotaGpus: null,
    };
    teamRow.gpusAtMaxReplicas += maxReplicas * gpusPerReplica;
    byTeamAndProfile.set(teamKey, teamRow);
  }

  return {
    byClusterAndProfile: [...byClusterAndProfile.values()].sort(
      (a, b) =>
        a.cluster.localeCompare(b.cluster) ||
        a.gpuProfile.localeCompare(b.gpuProfile),
    ),
    byTeamAndProfile: [...byTeamAndProfile.values()].sort(
      (a, b) =>
        a.team.localeCompare(b.team) ||
        a.gpuProfile.localeCompare(b.gpuProfile),
    ),
    incompleteEndpoints,
  };
}
