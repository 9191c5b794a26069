import { estimateEndpointCost } from './costEstimate';
import { checkDataClassification } from './dataClassificationRules';
import { computeMemoryFit } from './memoryFit';
import { fail, listOrNone, pass } from './planDecisions';
import {
  isDns1123Label,
  isMigResourceName,
  normalizeGroupRef,
} from './planningNames';
import {
  checkTeamQuotaAndBudget,
  resolveGpusPerReplica,
} from './teamQuotaAndBudget';
import type {
  EndpointPlan,
  EndpointPlanningConfig,
  EndpointRequest,
  ExistingEndpointAllocation,
  PlanDecision,
} from './types';
import { ENDPOINT_PLAN_RUNTIMES } from './types';

// The names, rule helpers and team figures of a plan live beside this file; their public
// functions are exported from here too, as before.
export { describeFailedDecisions } from './planDecisions';
export {
  isDns1123Label,
  isMigResourceName,
  normalizeGroupRef,
} from './planningNames';
export { resolveGpusPerReplica } from './teamQuotaAndBudget';

/**
 * Plans a self-hosted endpoint: resolves the request against the platform config, checks
 * every built-in rule and estimates the cost. Pure: the caller supplies the team's existing
 * allocations (from the catalog). Custom CEL policies are evaluated by the caller.
 *
 * @remarks
 * Rules: endpoint-name, runtime, known-model, known-gpu-profile, known-cluster, known-team,
 * replicas, profile-offered-by-cluster, context-length, tensor-parallelism, memory-fit,
 * gpu-quota, monthly-budget, model-data-classification, cluster-data-classification. Rules
 * whose inputs are unknown (e.g. memory-fit for an unknown model) are left out; the failed
 * lookup already names the cause.
 *
 * @public
 */
export function planEndpoint(
  request: EndpointRequest,
  config: EndpointPlanningConfig,
  existingAllocations: ExistingEndpointAllocation[],
): EndpointPlan {
  const decisions: PlanDecision[] = [];
  const model = config.models.find(m => m.name === request.model);
  const gpuProfile = config.gpuProfiles.find(p => p.id === request.gpuProfile);
  const cluster = config.clusters.find(c => c.name === request.cluster);
  const ownerRef = normalizeGroupRef(request.owner);
  const team = ownerRef
    ? config.teams.find(t => normalizeGroupRef(t.group) === ownerRef)
    : undefined;

  const tensorParallelSize = resolveGpusPerReplica(
    gpuProfile,
    request.tensorParallelSize,
  );
  const resolvedRequest: EndpointPlan['request'] = {
    ...request,
    contextTokens: request.contextTokens ?? model?.defaultContextTokens ?? 0,
    maxConcurrentSequences: request.maxConcurrentSequences ?? 1,
    tensorParallelSize,
    gatewayModel: request.gatewayModel ?? request.name,
  };
  const gpusPerReplica = tensorParallelSize;
  const { min: minReplicas, max: maxReplicas } = request.replicas;

  // endpoint-name
  decisions.push(
    isDns1123Label(request.name)
      ? pass(
          'endpoint-name',
          `name: '${request.name}' is a valid DNS-1123 label`,
        )
      : fail(
          'endpoint-name',
          `name: '${request.name}' must be a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit`,
        ),
  );

  // runtime
  decisions.push(
    (ENDPOINT_PLAN_RUNTIMES as readonly string[]).includes(request.runtime)
      ? pass('runtime', `runtime: ${request.runtime}`)
      : fail(
          'runtime',
          `runtime: '${
            request.runtime
          }' is not supported; expected one of ${ENDPOINT_PLAN_RUNTIMES.join(
            ', ',
          )}`,
        ),
  );

  // known-model / known-gpu-profile / known-cluster / known-team
  decisions.push(
    model
      ? pass('known-model', `model: ${model.name} is approved`)
      : fail(
          'known-model',
          `model: '${
            request.model
          }' is not an approved model; approved: ${listOrNone(
            config.models.map(m => m.name),
          )}`,
        ),
  );
  decisions.push(
    gpuProfile
      ? pass(
          'known-gpu-profile',
          `gpuProfile: ${gpuProfile.id} (${gpuProfile.resourceName}, ${gpuProfile.usableMemoryGiB} GiB usable)`,
        )
      : fail(
          'known-gpu-profile',
          `gpuProfile: '${
            request.gpuProfile
          }' is not a GPU profile of the platform; known: ${listOrNone(
            config.gpuProfiles.map(p => p.id),
          )}`,
        ),
  );
  decisions.push(
    cluster
      ? pass('known-cluster', `cluster: ${cluster.name} (${cluster.region})`)
      : fail(
          'known-cluster',
          `cluster: '${
            request.cluster
          }' is not a cluster of the platform; known: ${listOrNone(
            config.clusters.map(c => c.name),
          )}`,
        ),
  );
  if (!ownerRef) {
    decisions.push(
      fail(
        'known-team',
        `owner: '${request.owner}' is not a valid group reference, e.g. group:default/ml-platform`,
      ),
    );
  } else if (!ownerRef.startsWith('group:')) {
    decisions.push(
      fail(
        'known-team',
        `owner: '${request.owner}' must be a group, e.g. group:default/ml-platform`,
      ),
    );
  } else {
    decisions.push(
      team
        ? pass(
            'known-team',
            `owner: ${ownerRef} deploys to namespace ${team.namespace}`,
          )
        : fail(
            'known-team',
            `owner: ${ownerRef} has no GPU quota or budget under aiPlatform.teams; teams: ${listOrNone(
              config.teams.map(t => t.group),
            )}`,
          ),
    );
  }

  // replicas
  // min = max = 0 is a paused endpoint (Day-2 pause): no pods, no GPUs, no cost.
  const paused = minReplicas === 0 && maxReplicas === 0;
  const replicasValid =
    paused ||
    (Number.isInteger(minReplicas) &&
      Number.isInteger(maxReplicas) &&
      minReplicas >= 0 &&
      maxReplicas >= 1 &&
      minReplicas <= maxReplicas);
  decisions.push(
    replicasValid
      ? pass(
          'replicas',
          paused
            ? 'replicas: 0 to 0 (paused: no pods run, no GPUs are held)'
            : `replicas: ${minReplicas} to ${maxReplicas}`,
        )
      : fail(
          'replicas',
          `replicas: min (${minReplicas}) must be a whole number ≥ 0, max (${maxReplicas}) a whole number ≥ 1, and min ≤ max (or both 0 for a paused endpoint)`,
        ),
  );

  // profile-offered-by-cluster
  if (gpuProfile && cluster) {
    decisions.push(
      cluster.gpuProfiles.includes(gpuProfile.id)
        ? pass(
            'profile-offered-by-cluster',
            `gpuProfile: ${gpuProfile.id} is offered by cluster ${cluster.name}`,
          )
        : fail(
            'profile-offered-by-cluster',
            `gpuProfile: ${gpuProfile.id} is not offered by cluster ${
              cluster.name
            }; it offers ${listOrNone(cluster.gpuProfiles)}`,
          ),
    );
  }

  // context-length
  const contextTokens = resolvedRequest.contextTokens;
  let contextValid = false;
  if (model) {
    contextValid =
      Number.isInteger(contextTokens) &&
      contextTokens > 0 &&
      contextTokens <= model.maxContextTokens;
    decisions.push(
      contextValid
        ? pass(
            'context-length',
            `contextTokens: ${contextTokens} ≤ ${model.maxContextTokens} supported by ${model.name}`,
          )
        : fail(
            'context-length',
            `contextTokens: ${contextTokens} must be a whole number between 1 and ${model.maxContextTokens}, the longest context ${model.name} supports`,
          ),
    );
  }

  // tensor-parallelism
  let tensorParallelValid = false;
  if (gpuProfile) {
    const problems: string[] = [];
    if (!Number.isInteger(tensorParallelSize) || tensorParallelSize < 1) {
      problems.push(
        `tensorParallelSize: ${tensorParallelSize} must be a whole number ≥ 1`,
      );
    } else if (
      isMigResourceName(gpuProfile.resourceName) &&
      tensorParallelSize !== 1
    ) {
      problems.push(
        `tensorParallelSize: ${tensorParallelSize} is not possible on the MIG profile ${gpuProfile.id}; MIG slices serve one replica each, use tensorParallelSize 1 or a whole-GPU profile`,
      );
    } else if (
      model &&
      (tensorParallelSize <= model.kvHeads
        ? model.kvHeads % tensorParallelSize !== 0
        : tensorParallelSize % model.kvHeads !== 0)
    ) {
      problems.push(
        `tensorParallelSize: ${tensorParallelSize} must divide the ${model.kvHeads} KV heads of ${model.name} (or be a multiple of them)`,
      );
    }
    tensorParallelValid = problems.length === 0;
    decisions.push(
      tensorParallelValid
        ? pass(
            'tensor-parallelism',
            `tensorParallelSize: ${tensorParallelSize} × ${gpuProfile.resourceName} per replica`,
          )
        : fail('tensor-parallelism', problems.join('; ')),
    );
  }

  // memory-fit
  let memoryFit: EndpointPlan['memoryFit'];
  if (model && gpuProfile && contextValid && tensorParallelValid) {
    memoryFit = computeMemoryFit({
      parametersBillions: model.parametersBillions,
      dtypeBytes: model.dtypeBytes,
      layers: model.layers,
      kvHeads: model.kvHeads,
      headDim: model.headDim,
      kvCacheDtypeBytes: model.kvCacheDtypeBytes,
      contextTokens,
      concurrentSequences: resolvedRequest.maxConcurrentSequences,
      tensorParallelSize,
      usableMemoryGiB: gpuProfile.usableMemoryGiB,
      gpuMemoryUtilization: config.gpuMemoryUtilization,
    });
    const what = `${model.name} with ${contextTokens} tokens × ${resolvedRequest.maxConcurrentSequences} sequence(s) on ${gpuProfile.id}`;
    decisions.push(
      memoryFit.fits
        ? pass('memory-fit', `${what} ${memoryFit.summary}`)
        : fail(
            'memory-fit',
            `${what} ${memoryFit.summary}; at this context at most ${memoryFit.maxConcurrentSequences} sequence(s) fit. Lower contextTokens, raise tensorParallelSize or pick a larger GPU profile`,
          ),
    );
  }

  // cost, gpu-quota, monthly-budget
  let cost: EndpointPlan['cost'];
  let quota: EndpointPlan['quota'];
  let budget: EndpointPlan['budget'];
  if (gpuProfile && replicasValid && tensorParallelValid) {
    cost = estimateEndpointCost({
      gpuHourUsd: gpuProfile.hourlyCostUsd,
      gpusPerReplica,
      minReplicas,
      maxReplicas,
      hoursPerMonth: config.hoursPerMonth,
    });
    if (team) {
      const teamFigures = checkTeamQuotaAndBudget({
        team,
        gpuProfile,
        cost,
        maxReplicas,
        gpusPerReplica,
        config,
        existingAllocations,
      });
      quota = teamFigures.quota;
      budget = teamFigures.budget;
      decisions.push(...teamFigures.decisions);
    }
  }

  // data-classification, model-data-classification, cluster-data-classification
  decisions.push(
    ...checkDataClassification(request.dataClassification, model, cluster),
  );

  const namespace = team?.namespace;
  return {
    approved: decisions.every(d => d.outcome === 'pass'),
    request: resolvedRequest,
    namespace,
    kueueQueueName: team?.kueueQueueName ?? cluster?.kueueQueueName,
    gitopsPath:
      cluster && namespace
        ? `${(cluster.gitopsPathPrefix ?? `clusters/${cluster.name}`).replace(
            /\/+$/,
            '',
          )}/${namespace}/${request.name}`
        : undefined,
    gpuMemoryUtilization: config.gpuMemoryUtilization,
    gpusPerReplica,
    model,
    gpuProfile,
    cluster,
    memoryFit,
    cost,
    quota,
    budget,
    decisions,
  };
}
