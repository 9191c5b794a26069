import {
  formatCount,
  formatDecimal,
  formatGiB,
  formatUsd,
  HOURS_PER_MONTH,
  MemoryFit,
} from '@ai-platform/plugin-ai-platform-common';

/**
 * The sentences of the right-sizing recommendations: every number in them
 * says where it came from (the memory fit, the 7-day readings, the config).
 */

function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

function percentOf(share: number): string {
  return `${formatDecimal(share * 100)} %`;
}

/** Why a cheaper GPU profile is safe, and what it costs instead. */
export function gpuProfileReason(options: {
  profileId: string;
  fit: MemoryFit;
  contextTokens: number;
  concurrentSequences: number;
  gpusPerReplica: number;
  maxReplicas: number;
  minReplicas: number;
  quotaGpus: number;
  peakRunningRequests: number | null;
  peakCapacityShare: number;
  hourlyCostUsd: number;
  candidateMonthlyUsd: number;
  todayMonthlyUsd: number;
}): string {
  const o = options;
  const perGpu =
    o.gpusPerReplica > 1
      ? ` per GPU (tensor parallel ${o.gpusPerReplica})`
      : '';
  const memory = `needs ${formatGiB(o.fit.requiredGiBPerGpu)} of ${formatGiB(
    o.fit.availableGiBPerGpu,
  )} usable on ${o.profileId} at ${formatCount(
    o.contextTokens,
  )} tokens of context (the model's default, as the entity does not record its own) × ${plural(
    o.concurrentSequences,
    'sequence',
  )}${perGpu}`;
  const peak =
    o.peakRunningRequests === null
      ? 'peak concurrency not measured'
      : `7-day peak of ${plural(
          o.peakRunningRequests,
          'request',
        )} fits ${plural(
          o.maxReplicas,
          'replica',
        )} (replicas.max) × ${percentOf(o.peakCapacityShare)} of ${
          o.fit.maxConcurrentSequences
        } full-length sequences each`;
  const quota = `${plural(o.maxReplicas, 'replica')} × ${plural(
    o.gpusPerReplica,
    'GPU',
  )} within the team's ${o.profileId} quota of ${
    o.quotaGpus
  } (its other endpoints not counted)`;
  const cost = `${formatUsd(o.candidateMonthlyUsd)} a month at ${formatUsd(
    o.hourlyCostUsd,
  )} per GPU-hour instead of ${formatUsd(o.todayMonthlyUsd)} at ${plural(
    o.minReplicas,
    'replica',
  )} (replicas.min) × ${HOURS_PER_MONTH} h`;
  return `${memory}; ${peak}; ${quota}; ${cost}`;
}

/** Why fewer replicas are enough, and what they save. */
export function replicasMinReason(options: {
  gpuProfile: string;
  utilisationPercent: number;
  lowUtilisationPercent: number;
  maxProjectedUtilisationPercent: number;
  peakRunningRequests: number;
  peakCapacityShare: number;
  sequencesPerReplica: number;
  contextTokens: number;
  currentReplicas: number;
  targetReplicas: number;
  maxReplicas: number;
  gpusPerReplica: number;
  gpuHourUsd: number;
}): string {
  const o = options;
  const projected =
    (o.utilisationPercent * o.currentReplicas) / o.targetReplicas;
  const utilisation = `mean GPU utilisation ${formatDecimal(
    o.utilisationPercent,
  )} % over 7 days (below ${
    o.lowUtilisationPercent
  } %) would be about ${formatDecimal(projected)} % on ${plural(
    o.targetReplicas,
    'replica',
  )} (at most ${o.maxProjectedUtilisationPercent} %)`;
  const peak = `the 7-day peak of ${plural(
    o.peakRunningRequests,
    'concurrent request',
  )} fits ${plural(o.targetReplicas, 'replica')} × ${formatDecimal(
    o.sequencesPerReplica * o.peakCapacityShare,
  )} (${percentOf(o.peakCapacityShare)} of the ${
    o.sequencesPerReplica
  } full-length sequences of ${formatCount(o.contextTokens)} tokens one ${
    o.gpuProfile
  } replica's KV cache holds)`;
  const saving = `${plural(
    o.currentReplicas - o.targetReplicas,
    'replica',
  )} × ${plural(o.gpusPerReplica, 'GPU')} × ${formatUsd(
    o.gpuHourUsd,
  )} per GPU-hour × ${HOURS_PER_MONTH} h`;
  return `${utilisation}; ${peak}; replicas.max ${o.maxReplicas} stays for the autoscaler; ${saving}`;
}
