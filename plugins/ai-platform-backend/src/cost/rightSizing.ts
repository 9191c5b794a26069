import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  AiPlatformConfig,
  EndpointPlan,
  EndpointRequest,
  HOURS_PER_MONTH,
  planEndpoint,
  RightSizingRecommendation,
  roundUsd,
} from '@ai-platform/plugin-ai-platform-common';
import { asRecord, asString, ownerOf } from '../fleet/catalogEntityFields';
import { gpuProfileReason, replicasMinReason } from './rightSizingReasons';

/**
 * Mean GPU utilisation over 7 days, in percent, below which an endpoint
 * counts as idle enough to hold fewer replicas.
 *
 * @internal
 */
export const LOW_UTILISATION_PERCENT = 30;

/**
 * Share of a replica's full-context KV-cache capacity the 7-day peak may
 * use on the smaller allocation (the rest is headroom).
 *
 * @internal
 */
export const PEAK_CAPACITY_SHARE = 0.8;

/**
 * Highest mean GPU utilisation, in percent, the remaining replicas may be
 * projected to reach after lowering `replicas.min`.
 *
 * @internal
 */
export const MAX_PROJECTED_UTILISATION_PERCENT = 60;

/**
 * The plan rules a move to another GPU profile must pass. The other rules of
 * the plan (name, runtime, data classification, budget) do not depend on the
 * profile, or only get easier on a cheaper one. `gpu-quota` is only decided
 * for an owner under `aiPlatform.teams`: an owner without quota gets no move.
 */
const PROFILE_MOVE_RULES = [
  'known-model',
  'known-gpu-profile',
  'known-cluster',
  'profile-offered-by-cluster',
  'context-length',
  'tensor-parallelism',
  'memory-fit',
  'gpu-quota',
] as const;

/** The inputs of {@link recommendRightSizing}. */
export interface RightSizingInput {
  /** A ModelEndpoint with `spec.serving.mode: self-hosted`. */
  entity: Entity;
  /** `readAiPlatformConfig(...)`. */
  platform: AiPlatformConfig;
  /** Today's price per GPU-hour of this endpoint, in USD. */
  gpuHourUsd: number;
  /** Today's GPUs per replica. */
  gpusPerReplica: number;
  /** Mean GPU utilisation over 7 days (0–100, Prometheus); `null` when unknown. */
  utilisationPercent: number | null;
  /** Highest concurrent requests over 7 days, summed over pods; `null` when unknown. */
  peakRunningRequests: number | null;
}

/** What the rules read from the entity. */
interface EndpointShape {
  name: string;
  owner: string;
  model: string;
  cluster: string;
  gpuProfile: string | undefined;
  runtime: string;
  dataClassification: string;
  minReplicas: number;
  maxReplicas: number;
}

function readEndpoint(entity: Entity): EndpointShape | undefined {
  const spec = asRecord(entity.spec);
  const serving = asRecord(spec.serving);
  if (serving.mode !== 'self-hosted') {
    return undefined;
  }
  const replicas = asRecord(serving.replicas);
  const minReplicas = replicas.min;
  const clusterRef = asString(serving.cluster);
  const model = asString(asRecord(spec.model).name);
  const owner = ownerOf(entity);
  if (
    typeof minReplicas !== 'number' ||
    !Number.isInteger(minReplicas) ||
    minReplicas < 0 ||
    !clusterRef ||
    !model ||
    !owner
  ) {
    return undefined;
  }
  const maxReplicas =
    typeof replicas.max === 'number' && replicas.max >= minReplicas
      ? replicas.max
      : minReplicas;
  let cluster: string;
  try {
    // spec.serving.cluster is an entity reference (default kind Resource);
    // platform clusters are keyed by the Resource's name.
    cluster = parseEntityRef(clusterRef, {
      defaultKind: 'resource',
      defaultNamespace: 'default',
    }).name;
  } catch {
    return undefined;
  }
  return {
    name: entity.metadata.name,
    owner,
    model,
    cluster,
    gpuProfile: asString(serving.gpuProfile),
    // Runtime and data classification are passed through for the plan; the
    // rules a profile move must pass (PROFILE_MOVE_RULES) do not read them.
    runtime: asString(serving.runtime) ?? 'vllm',
    dataClassification: asString(spec.dataClassification) ?? 'internal',
    minReplicas,
    maxReplicas,
  };
}

/**
 * Plans the endpoint as the golden path would with another profile (or
 * tensor-parallel size). The entity does not record the context length or
 * concurrent sequences it was planned with, so the plan's defaults apply:
 * the model's `defaultContextTokens` and one full-length sequence.
 */
function planWith(
  endpoint: EndpointShape,
  platform: AiPlatformConfig,
  gpuProfile: string,
  tensorParallelSize?: number,
): EndpointPlan {
  const request: EndpointRequest = {
    name: endpoint.name,
    owner: endpoint.owner,
    model: endpoint.model,
    gpuProfile,
    cluster: endpoint.cluster,
    runtime: endpoint.runtime as EndpointRequest['runtime'],
    replicas: { min: endpoint.minReplicas, max: endpoint.maxReplicas },
    dataClassification:
      endpoint.dataClassification as EndpointRequest['dataClassification'],
    ...(tensorParallelSize !== undefined ? { tensorParallelSize } : {}),
  };
  return planEndpoint(request, platform.planning, []);
}

function passesProfileMoveRules(plan: EndpointPlan): boolean {
  return PROFILE_MOVE_RULES.every(rule =>
    plan.decisions.some(d => d.rule === rule && d.outcome === 'pass'),
  );
}

function monthlyUsd(
  gpuHourUsd: number,
  gpusPerReplica: number,
  replicas: number,
): number {
  return gpuHourUsd * gpusPerReplica * replicas * HOURS_PER_MONTH;
}

/** Rule 1: the cheapest other profile of the cluster the plan says is safe. */
function recommendProfile(
  endpoint: EndpointShape,
  input: RightSizingInput,
): RightSizingRecommendation | undefined {
  const { platform, peakRunningRequests } = input;
  if (!endpoint.gpuProfile || endpoint.minReplicas < 1) {
    return undefined;
  }
  const todayMonthlyUsd = monthlyUsd(
    input.gpuHourUsd,
    input.gpusPerReplica,
    endpoint.minReplicas,
  );
  const candidates: RightSizingRecommendation[] = [];
  for (const profile of platform.planning.gpuProfiles) {
    if (profile.id === endpoint.gpuProfile) {
      continue;
    }
    const plan = planWith(endpoint, platform, profile.id);
    const fit = plan.memoryFit;
    if (!fit || !plan.quota || !passesProfileMoveRules(plan)) {
      continue;
    }
    if (
      peakRunningRequests !== null &&
      peakRunningRequests >
        endpoint.maxReplicas * fit.maxConcurrentSequences * PEAK_CAPACITY_SHARE
    ) {
      continue;
    }
    const candidateMonthlyUsd = monthlyUsd(
      profile.hourlyCostUsd,
      plan.gpusPerReplica,
      endpoint.minReplicas,
    );
    const saving = roundUsd(todayMonthlyUsd - candidateMonthlyUsd);
    if (saving <= 0) {
      continue;
    }
    candidates.push({
      kind: 'gpu-profile',
      from: endpoint.gpuProfile,
      to: profile.id,
      monthlySavingUsd: saving,
      reason: gpuProfileReason({
        profileId: profile.id,
        fit,
        contextTokens: plan.request.contextTokens,
        concurrentSequences: plan.request.maxConcurrentSequences,
        gpusPerReplica: plan.gpusPerReplica,
        maxReplicas: endpoint.maxReplicas,
        minReplicas: endpoint.minReplicas,
        quotaGpus: plan.quota.quotaGpus,
        peakRunningRequests,
        peakCapacityShare: PEAK_CAPACITY_SHARE,
        hourlyCostUsd: profile.hourlyCostUsd,
        candidateMonthlyUsd,
        todayMonthlyUsd,
      }),
    });
  }
  candidates.sort(
    (a, b) =>
      b.monthlySavingUsd - a.monthlySavingUsd || a.to.localeCompare(b.to),
  );
  return candidates[0];
}

/** Rule 2: fewer replicas held when idle, if the 7-day peak still fits. */
function recommendReplicasMin(
  endpoint: EndpointShape,
  input: RightSizingInput,
): RightSizingRecommendation | undefined {
  const { utilisationPercent, peakRunningRequests } = input;
  const current = endpoint.minReplicas;
  if (
    utilisationPercent === null ||
    peakRunningRequests === null ||
    current <= 1 ||
    utilisationPercent >= LOW_UTILISATION_PERCENT ||
    !endpoint.gpuProfile
  ) {
    return undefined;
  }
  // Per-replica capacity: the full-length sequences the KV cache of one
  // replica holds at today's profile and tensor parallelism, from the same
  // memory fit the golden path plans with. Real requests are mostly shorter
  // than the full context, so this undercounts what a replica can run.
  const plan = planWith(
    endpoint,
    input.platform,
    endpoint.gpuProfile,
    input.gpusPerReplica,
  );
  const sequencesPerReplica = plan.memoryFit?.maxConcurrentSequences ?? 0;
  if (sequencesPerReplica <= 0) {
    return undefined;
  }
  const forPeak = Math.ceil(
    peakRunningRequests / (sequencesPerReplica * PEAK_CAPACITY_SHARE),
  );
  const forUtilisation = Math.ceil(
    (utilisationPercent * current) / MAX_PROJECTED_UTILISATION_PERCENT,
  );
  const target = Math.max(1, forPeak, forUtilisation);
  const saving = roundUsd(
    monthlyUsd(input.gpuHourUsd, input.gpusPerReplica, current - target),
  );
  if (target >= current || saving <= 0) {
    return undefined;
  }
  return {
    kind: 'replicas-min',
    from: String(current),
    to: String(target),
    monthlySavingUsd: saving,
    reason: replicasMinReason({
      gpuProfile: endpoint.gpuProfile,
      utilisationPercent,
      lowUtilisationPercent: LOW_UTILISATION_PERCENT,
      maxProjectedUtilisationPercent: MAX_PROJECTED_UTILISATION_PERCENT,
      peakRunningRequests,
      peakCapacityShare: PEAK_CAPACITY_SHARE,
      sequencesPerReplica,
      contextTokens: plan.request.contextTokens,
      currentReplicas: current,
      targetReplicas: target,
      maxReplicas: endpoint.maxReplicas,
      gpusPerReplica: input.gpusPerReplica,
      gpuHourUsd: input.gpuHourUsd,
    }),
  };
}

function validate(input: RightSizingInput) {
  const problems: string[] = [];
  if (!Number.isFinite(input.gpuHourUsd) || input.gpuHourUsd < 0) {
    problems.push(`gpuHourUsd must be a number ≥ 0, got ${input.gpuHourUsd}`);
  }
  if (!Number.isInteger(input.gpusPerReplica) || input.gpusPerReplica < 1) {
    problems.push(
      `gpusPerReplica must be a whole number ≥ 1, got ${input.gpusPerReplica}`,
    );
  }
  const utilisation = input.utilisationPercent;
  if (
    utilisation !== null &&
    // A hair over 100 is float noise of share × 100, not a bad reading.
    !(
      Number.isFinite(utilisation) &&
      utilisation >= 0 &&
      utilisation <= 100 + 1e-9
    )
  ) {
    problems.push(
      `utilisationPercent must be between 0 and 100 or null, got ${utilisation}`,
    );
  }
  const peak = input.peakRunningRequests;
  if (peak !== null && !(Number.isFinite(peak) && peak >= 0)) {
    problems.push(
      `peakRunningRequests must be a number ≥ 0 or null, got ${peak}`,
    );
  }
  if (problems.length) {
    throw new InputError(`Cannot right-size: ${problems.join('; ')}`);
  }
}

/**
 * Recommends changes that would make a self-hosted ModelEndpoint cheaper and
 * that the golden path's own plan logic says are safe. Never applied: the
 * portal only shows them.
 *
 * @remarks
 * Safe before cheap. The rules:
 *
 * 1. **Cheaper GPU profile** (`gpu-profile`). Each other GPU profile is
 *    planned with `planEndpoint`, exactly as the self-hosted golden path
 *    would plan this endpoint on it: same model, cluster, owner, runtime and
 *    replicas, tensor parallelism as the plan resolves it for that profile
 *    (its `gpusPerReplica`, default 1), the model's `defaultContextTokens`
 *    (the catalog entity does not record the context length it was planned
 *    with) and one full-length sequence (the plan's default). The move is
 *    safe when the plan passes `known-model`, `known-gpu-profile`,
 *    `known-cluster`, `profile-offered-by-cluster`, `context-length`,
 *    `tensor-parallelism` (MIG slices serve one replica each; the size must
 *    divide the model's KV heads), `memory-fit` and `gpu-quota` (the team's
 *    quota of that profile holds this endpoint at `replicas.max`; the team's
 *    other endpoints are not counted, the function has no catalog view; an
 *    owner without an `aiPlatform.teams` entry has no quota, so no move). A
 *    model that is not in `aiPlatform.models` never gets one: its fit cannot
 *    be proven. When the 7-day peak concurrency is known it must also fit
 *    `replicas.max` replicas of the new profile at {@link PEAK_CAPACITY_SHARE}
 *    of the full-length sequences one replica's KV cache holds. Of the
 *    profiles that pass, the cheapest at `replicas.min` is recommended
 *    (profile `hourlyCostUsd` × its GPUs per replica × `replicas.min` ×
 *    730 h, against today's `gpuHourUsd` × `gpusPerReplica` ×
 *    `replicas.min` × 730 h). Custom CEL policies are not evaluated here.
 * 2. **Lower `replicas.min`** (`replicas-min`). Only when the 7-day mean GPU
 *    utilisation and peak concurrency are both known, `replicas.min` > 1 and
 *    utilisation is below {@link LOW_UTILISATION_PERCENT} %. Per-replica
 *    capacity is the number of full-length sequences one replica's KV cache
 *    holds at today's profile and GPUs per replica (the memory fit's
 *    `maxConcurrentSequences`; real requests are usually shorter, so this is
 *    conservative). The new minimum is the largest of 1 (never scale to
 *    zero), the replicas the peak needs at {@link PEAK_CAPACITY_SHARE} of that
 *    capacity, and the replicas that keep the projected mean utilisation
 *    (utilisation × replicas now ÷ replicas then) at most
 *    {@link MAX_PROJECTED_UTILISATION_PERCENT} %. `replicas.max` stays, so
 *    the autoscaler still adds replicas under load. Saving = replicas saved ×
 *    `gpusPerReplica` × `gpuHourUsd` × 730 h.
 * 3. Savings are rounded to cents; nothing with a saving ≤ 0 is returned; the
 *    largest saving comes first. Each saving is against today's allocation:
 *    the two recommendations are alternatives and their savings do not add up.
 *
 * Entities that are not self-hosted, or lack the model, cluster, owner or a
 * whole `replicas.min`, get no recommendation.
 *
 * @throws InputError naming the field when a number is out of range.
 * @internal
 */
export function recommendRightSizing(
  input: RightSizingInput,
): RightSizingRecommendation[] {
  validate(input);
  const endpoint = readEndpoint(input.entity);
  if (!endpoint) {
    return [];
  }
  return [
    recommendProfile(endpoint, input),
    recommendReplicasMin(endpoint, input),
  ]
    .filter((r): r is RightSizingRecommendation => r !== undefined)
    .sort(
      (a, b) =>
        b.monthlySavingUsd - a.monthlySavingUsd || a.kind.localeCompare(b.kind),
    );
}
