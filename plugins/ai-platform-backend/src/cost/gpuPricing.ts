import { AiPlatformConfig } from '@ai-platform/plugin-ai-platform-common';
import { Entity } from '@backstage/catalog-model';
import { asRecord, asString } from '../fleet/catalogEntityFields';

/**
 * The GPU-hour price of a self-hosted endpoint and how many GPUs one replica
 * holds.
 *
 * @internal
 */
export interface GpuPricing {
  /** USD per GPU-hour. */
  gpuHourUsd: number;
  /** `entity-pricing`: `spec.pricing.gpuHourUsd`; `gpu-profile`: the profile's `hourlyCostUsd`. */
  priceSource: 'entity-pricing' | 'gpu-profile';
  /** `spec.serving.gpuProfile`, or `null` when the entity names none. */
  gpuProfile: string | null;
  /** The profile's `gpusPerReplica`, 1 when it has none or is unknown. */
  gpusPerReplica: number;
}

function nonNegative(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? value
    : undefined;
}

/**
 * The price of one GPU-hour of a self-hosted ModelEndpoint:
 * `spec.pricing.gpuHourUsd`, else the `hourlyCostUsd` of its GPU profile
 * (`spec.serving.gpuProfile` in `aiPlatform.gpuProfiles`). GPUs per replica
 * come from the profile (`gpusPerReplica`, default 1).
 *
 * @returns the pricing, or a sentence naming the field that is missing
 * @internal
 */
export function resolveGpuPricing(
  entity: Entity,
  platform: AiPlatformConfig,
): { pricing: GpuPricing } | { problem: string } {
  const spec = asRecord(entity.spec);
  const gpuProfile = asString(asRecord(spec.serving).gpuProfile) ?? null;
  const profile = gpuProfile
    ? platform.planning.gpuProfiles.find(p => p.id === gpuProfile)
    : undefined;
  const gpusPerReplica = profile?.gpusPerReplica ?? 1;
  const entityPrice = nonNegative(asRecord(spec.pricing).gpuHourUsd);
  if (entityPrice !== undefined) {
    return {
      pricing: {
        gpuHourUsd: entityPrice,
        priceSource: 'entity-pricing',
        gpuProfile,
        gpusPerReplica,
      },
    };
  }
  if (profile) {
    return {
      pricing: {
        gpuHourUsd: profile.hourlyCostUsd,
        priceSource: 'gpu-profile',
        gpuProfile,
        gpusPerReplica,
      },
    };
  }
  return {
    problem: gpuProfile
      ? `No GPU-hour price: GPU profile '${gpuProfile}' (spec.serving.gpuProfile) is not in aiPlatform.gpuProfiles and spec.pricing.gpuHourUsd is not set`
      : 'No GPU-hour price: neither spec.pricing.gpuHourUsd nor spec.serving.gpuProfile is set',
  };
}

/**
 * GPUs one replica of a self-hosted ModelEndpoint holds: the `gpusPerReplica`
 * of its GPU profile (`spec.serving.gpuProfile`), 1 when it has none or the
 * profile is unknown. Used to turn a replica-counting allocation metric into
 * GPU-hours.
 *
 * @internal
 */
export function gpusPerReplicaOf(
  entity: Entity,
  platform: AiPlatformConfig,
): number {
  const gpuProfile = asString(
    asRecord(asRecord(entity.spec).serving).gpuProfile,
  );
  const profile = gpuProfile
    ? platform.planning.gpuProfiles.find(p => p.id === gpuProfile)
    : undefined;
  return profile?.gpusPerReplica ?? 1;
}
