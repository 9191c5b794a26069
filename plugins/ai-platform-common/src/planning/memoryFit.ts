import { InputError } from '@backstage/errors';
import type { MemoryFit } from './types';

/** Bytes in one GiB. */
const BYTES_PER_GIB = 1024 ** 3;

/**
 * The inputs of {@link computeMemoryFit}.
 *
 * @public
 */
export type MemoryFitInput = {
  parametersBillions: number;
  /** Bytes per weight; defaults to 2 (bf16). */
  dtypeBytes?: number;
  layers: number;
  kvHeads: number;
  headDim: number;
  /** Bytes per KV-cache element; defaults to 2. */
  kvCacheDtypeBytes?: number;
  contextTokens: number;
  /** Full-length sequences that must fit at once; defaults to 1. */
  concurrentSequences?: number;
  /** Defaults to 1. */
  tensorParallelSize?: number;
  /** Memory usable on one GPU unit, in GiB. */
  usableMemoryGiB: number;
  /** vLLM `gpu_memory_utilization`, between 0 and 1. */
  gpuMemoryUtilization: number;
};

function requirePositive(value: number, field: string) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InputError(`${field} must be a positive number, got ${value}`);
  }
}

/**
 * Formats GiB with one decimal, e.g. `15.0 GiB`.
 *
 * @public
 */
export function formatGiB(gib: number): string {
  return `${gib.toFixed(1)} GiB`;
}

/**
 * Checks whether a model fits a GPU profile, per provisioning reference §c:
 * weights W = P × b_w; KV per token = 2 × L × H_kv × d × b_kv; KV = KV per token × S × C;
 * overhead O = max(2 GiB, 0.1 × W/TP); fits when W/TP + O + KV/TP ≤ U × usable memory.
 *
 * @public
 */
export function computeMemoryFit(input: MemoryFitInput): MemoryFit {
  const dtypeBytes = input.dtypeBytes ?? 2;
  const kvCacheDtypeBytes = input.kvCacheDtypeBytes ?? 2;
  const concurrentSequences = input.concurrentSequences ?? 1;
  const tensorParallelSize = input.tensorParallelSize ?? 1;
  requirePositive(input.parametersBillions, 'parametersBillions');
  requirePositive(dtypeBytes, 'dtypeBytes');
  requirePositive(input.layers, 'layers');
  requirePositive(input.kvHeads, 'kvHeads');
  requirePositive(input.headDim, 'headDim');
  requirePositive(kvCacheDtypeBytes, 'kvCacheDtypeBytes');
  requirePositive(input.contextTokens, 'contextTokens');
  requirePositive(concurrentSequences, 'concurrentSequences');
  requirePositive(tensorParallelSize, 'tensorParallelSize');
  requirePositive(input.usableMemoryGiB, 'usableMemoryGiB');
  if (!(input.gpuMemoryUtilization > 0 && input.gpuMemoryUtilization <= 1)) {
    throw new InputError(
      `gpuMemoryUtilization must be greater than 0 and at most 1, got ${input.gpuMemoryUtilization}`,
    );
  }

  const weightsGiB =
    (input.parametersBillions * 1e9 * dtypeBytes) / BYTES_PER_GIB;
  const kvCacheBytesPerToken =
    2 * input.layers * input.kvHeads * input.headDim * kvCacheDtypeBytes;
  const kvCacheGiBPerSequence =
    (kvCacheBytesPerToken * input.contextTokens) / BYTES_PER_GIB;
  const kvCacheGiB = kvCacheGiBPerSequence * concurrentSequences;

  const weightsGiBPerGpu = weightsGiB / tensorParallelSize;
  const kvCacheGiBPerGpu = kvCacheGiB / tensorParallelSize;
  const overheadGiBPerGpu = Math.max(2, 0.1 * weightsGiBPerGpu);
  const requiredGiBPerGpu =
    weightsGiBPerGpu + overheadGiBPerGpu + kvCacheGiBPerGpu;
  const availableGiBPerGpu = input.gpuMemoryUtilization * input.usableMemoryGiB;
  const fits = requiredGiBPerGpu <= availableGiBPerGpu;

  const leftForKvGiB = Math.max(
    0,
    availableGiBPerGpu - weightsGiBPerGpu - overheadGiBPerGpu,
  );
  const maxConcurrentSequences = Math.floor(
    (leftForKvGiB * tensorParallelSize) / kvCacheGiBPerSequence,
  );

  const parts = `${formatGiB(weightsGiBPerGpu)} weights + ${formatGiB(
    kvCacheGiBPerGpu,
  )} KV + ${formatGiB(overheadGiBPerGpu)} overhead`;
  const perGpu =
    tensorParallelSize > 1
      ? ` per GPU (tensor parallel ${tensorParallelSize})`
      : '';
  const summary = fits
    ? `fits: ${parts} ≤ ${formatGiB(availableGiBPerGpu)} usable${perGpu}`
    : `does not fit: ${parts} = ${formatGiB(requiredGiBPerGpu)} > ${formatGiB(
        availableGiBPerGpu,
      )} usable${perGpu}`;

  return {
    fits,
    weightsGiB,
    kvCacheGiB,
    weightsGiBPerGpu,
    kvCacheGiBPerGpu,
    overheadGiBPerGpu,
    requiredGiBPerGpu,
    availableGiBPerGpu,
    kvCacheBytesPerToken,
    maxConcurrentSequences,
    summary,
  };
}
