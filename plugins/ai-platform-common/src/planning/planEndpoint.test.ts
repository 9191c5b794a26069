import { describeFailedDecisions, planEndpoint } from './planEndpoint';
import { testPlanningConfig as config } from './testPlanningConfig';
import type { EndpointRequest, ExistingEndpointAllocation } from './types';

const request: EndpointRequest = {
  name: 'llama-8b-chat',
  owner: 'group:default/ml-platform',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  gpuProfile: 'l4-24gb',
  cluster: 'gpu-eu-west-1',
  runtime: 'vllm',
  contextTokens: 8192,
  replicas: { min: 1, max: 2 },
  dataClassification: 'internal',
};

function decision(plan: ReturnType<typeof planEndpoint>, rule: string) {
  const found = plan.decisions.find(d => d.rule === rule);
  if (!found) {
    throw new Error(
      `no decision for ${rule}; got ${plan.decisions.map(d => d.rule)}`,
    );
  }
  return found;
}

describe('planEndpoint', () => {
  it('approves a request that passes every rule and resolves the plan', () => {
    const plan = planEndpoint(request, config, []);
    expect(plan.decisions.filter(d => d.outcome === 'fail')).toEqual([]);
    expect(plan.approved).toBe(true);
    expect(plan.decisions.map(d => d.rule)).toEqual([
      'endpoint-name',
      'runtime',
      'known-model',
      'known-gpu-profile',
      'known-cluster',
      'known-team',
      'replicas',
      'profile-offered-by-cluster',
      'context-length',
      'tensor-parallelism',
      'memory-fit',
      'gpu-quota',
      'monthly-budget',
      'model-data-classification',
      'cluster-data-classification',
    ]);
    expect(plan.namespace).toBe('llm-shared');
    expect(plan.kueueQueueName).toBe('ml-platform-gpu');
    expect(plan.gitopsPath).toBe(
      'clusters/gpu-eu-west-1/llm-shared/llama-8b-chat',
    );
    expect(plan.request.gatewayModel).toBe('llama-8b-chat');
    expect(plan.request.maxConcurrentSequences).toBe(1);
    expect(plan.cost).toEqual({
      gpuHourUsd: 0.8,
      gpusPerReplica: 1,
      hoursPerMonth: 730,
      monthlyMinUsd: 584,
      monthlyMaxUsd: 1168,
    });
    expect(decision(plan, 'memory-fit').message).toBe(
      'meta-llama/Llama-3.1-8B-Instruct with 8192 tokens × 1 sequence(s) on l4-24gb fits: 15.0 GiB weights + 1.0 GiB KV + 2.0 GiB overhead ≤ 20.7 GiB usable',
    );
  });

  it('uses the model default context when none is requested', () => {
    const plan = planEndpoint(
      { ...request, contextTokens: undefined },
      config,
      [],
    );
    expect(plan.request.contextTokens).toBe(8192);
  });

  it('names each unknown field and lists what is known, leaving out dependent rules', () => {
    const plan = planEndpoint(
      {
        ...request,
        model: 'gpt2',
        gpuProfile: 'a100',
        cluster: 'mars-1',
        owner: 'group:default/nobody',
      },
      config,
      [],
    );
    expect(plan.approved).toBe(false);
    expect(describeFailedDecisions(plan.decisions)).toBe(
      [
        "- known-model: model: 'gpt2' is not an approved model; approved: meta-llama/Llama-3.1-8B-Instruct, meta-llama/Llama-3.1-70B-Instruct, BAAI/bge-m3",
        "- known-gpu-profile: gpuProfile: 'a100' is not a GPU profile of the platform; known: h100-80gb, h100-mig-3g-40gb, l4-24gb",
        "- known-cluster: cluster: 'mars-1' is not a cluster of the platform; known: gpu-eu-west-1, gpu-us-east-1",
        '- known-team: owner: group:default/nobody has no GPU quota or budget under aiPlatform.teams; teams: group:default/ml-platform, group:default/support-experience',
      ].join('\n'),
    );
    expect(plan.decisions.map(d => d.rule)).not.toContain('memory-fit');
  });

  it('rejects a name that is not a DNS-1123 label', () => {
    for (const name of ['Llama_8B', 'a'.repeat(64), '-llama', 'llama-']) {
      const plan = planEndpoint({ ...request, name }, config, []);
      expect(decision(plan, 'endpoint-name')).toEqual({
        rule: 'endpoint-name',
        outcome: 'fail',
        message: `name: '${name}' must be a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit`,
      });
    }
  });

  it('rejects an owner that is not a group', () => {
    const plan = planEndpoint(
      { ...request, owner: 'user:default/jane' },
      config,
      [],
    );
    expect(decision(plan, 'known-team').message).toBe(
      "owner: 'user:default/jane' must be a group, e.g. group:default/ml-platform",
    );
  });

  it('accepts a short owner ref of a configured group', () => {
    const plan = planEndpoint({ ...request, owner: 'ml-platform' }, config, []);
    expect(decision(plan, 'known-team').outcome).toBe('pass');
  });

  it('rejects min replicas above max', () => {
    const plan = planEndpoint(
      { ...request, replicas: { min: 3, max: 2 } },
      config,
      [],
    );
    expect(decision(plan, 'replicas').outcome).toBe('fail');
    expect(plan.cost).toBeUndefined();
  });

  it('plans a paused endpoint (min = max = 0) with no GPUs and no cost, and still rejects max 0 with min above it', () => {
    const paused = planEndpoint(
      { ...request, replicas: { min: 0, max: 0 } },
      config,
      [],
    );
    expect(decision(paused, 'replicas')).toEqual({
      rule: 'replicas',
      outcome: 'pass',
      message: 'replicas: 0 to 0 (paused: no pods run, no GPUs are held)',
    });
    expect(paused.cost).toMatchObject({ monthlyMinUsd: 0, monthlyMaxUsd: 0 });
    expect(paused.quota?.requestedGpus).toBe(0);

    const invalid = planEndpoint(
      { ...request, replicas: { min: 1, max: 0 } },
      config,
      [],
    );
    expect(decision(invalid, 'replicas').outcome).toBe('fail');
  });

  it('rejects a profile the cluster does not offer', () => {
    const plan = planEndpoint(
      { ...request, cluster: 'gpu-us-east-1', gpuProfile: 'h100-80gb' },
      config,
      [],
    );
    expect(decision(plan, 'profile-offered-by-cluster').message).toBe(
      'gpuProfile: h100-80gb is not offered by cluster gpu-us-east-1; it offers l4-24gb',
    );
  });

  it('rejects a context longer than the model supports', () => {
    const plan = planEndpoint(
      { ...request, model: 'BAAI/bge-m3', contextTokens: 16384 },
      config,
      [],
    );
    expect(decision(plan, 'context-length').message).toBe(
      'contextTokens: 16384 must be a whole number between 1 and 8192, the longest context BAAI/bge-m3 supports',
    );
  });

  it('fails memory fit for 128k context on an L4 and says how many sequences fit', () => {
    const plan = planEndpoint(
      { ...request, contextTokens: 131072 },
      config,
      [],
    );
    expect(decision(plan, 'memory-fit')).toEqual({
      rule: 'memory-fit',
      outcome: 'fail',
      message:
        'meta-llama/Llama-3.1-8B-Instruct with 131072 tokens × 1 sequence(s) on l4-24gb does not fit: 15.0 GiB weights + 16.0 GiB KV + 2.0 GiB overhead = 33.0 GiB > 20.7 GiB usable; at this context at most 0 sequence(s) fit. Lower contextTokens, raise tensorParallelSize or pick a larger GPU profile',
    });
  });

  it('rejects tensor parallelism on a MIG slice', () => {
    const plan = planEndpoint(
      { ...request, gpuProfile: 'h100-mig-3g-40gb', tensorParallelSize: 2 },
      config,
      [],
    );
    expect(decision(plan, 'tensor-parallelism').message).toBe(
      'tensorParallelSize: 2 is not possible on the MIG profile h100-mig-3g-40gb; MIG slices serve one replica each, use tensorParallelSize 1 or a whole-GPU profile',
    );
  });

  it('counts the team existing allocations on the profile against its quota', () => {
    const existing: ExistingEndpointAllocation[] = [
      {
        entityRef: 'modelendpoint:default/a',
        gpuProfile: 'l4-24gb',
        maxReplicas: 3,
      },
      // another profile: not counted against the l4 quota
      {
        entityRef: 'modelendpoint:default/b',
        gpuProfile: 'h100-80gb',
        maxReplicas: 4,
      },
    ];
    const plan = planEndpoint(request, config, existing);
    expect(plan.quota).toEqual({
      gpuProfile: 'l4-24gb',
      quotaGpus: 4,
      existingGpus: 3,
      requestedGpus: 2,
    });
    expect(decision(plan, 'gpu-quota')).toEqual({
      rule: 'gpu-quota',
      outcome: 'fail',
      message:
        'group:default/ml-platform holds 3 nvidia.com/gpu on l4-24gb at max replicas; this endpoint adds 2 (2 replicas × 1): 5 exceeds the quota of 4',
    });
  });

  it('fails quota for a profile the team has no quota for', () => {
    const plan = planEndpoint(
      { ...request, gpuProfile: 'h100-mig-3g-40gb' },
      config,
      [],
    );
    expect(decision(plan, 'gpu-quota').message).toMatch(
      /exceeds the quota of 0 \(no quota for h100-mig-3g-40gb under aiPlatform.teams\)$/,
    );
  });

  it('checks the budget left after the existing endpoints (entity price, else profile price)', () => {
    const existing: ExistingEndpointAllocation[] = [
      // 3 × 0.8 × 730 = 1752
      {
        entityRef: 'modelendpoint:default/mistral',
        gpuProfile: 'l4-24gb',
        maxReplicas: 3,
      },
      // 2 × 0.8 × 730 = 1168 from the entity's own price
      {
        entityRef: 'modelendpoint:default/bge',
        gpuProfile: 'l4-24gb',
        maxReplicas: 2,
        gpuHourUsd: 0.8,
      },
    ];
    const supportRequest = {
      ...request,
      owner: 'group:default/support-experience',
      dataClassification: 'confidential' as const,
    };
    const plan = planEndpoint(supportRequest, config, existing);
    expect(plan.budget).toEqual({
      monthlyBudgetUsd: 4000,
      existingMonthlyUsd: 2920,
      remainingMonthlyUsd: 1080,
      requestedMonthlyUsd: 1168,
    });
    expect(decision(plan, 'monthly-budget')).toEqual({
      rule: 'monthly-budget',
      outcome: 'fail',
      message:
        'this endpoint costs up to 1,168.00 USD/month at 2 replicas; group:default/support-experience has 1,080.00 USD left of its 4,000.00 USD monthly budget (existing self-hosted endpoints: 2,920.00 USD)',
    });
    const oneReplica = planEndpoint(
      { ...supportRequest, replicas: { min: 1, max: 1 } },
      config,
      existing,
    );
    expect(decision(oneReplica, 'monthly-budget').outcome).toBe('pass');
    expect(oneReplica.approved).toBe(true);
  });

  it('checks the data classification against the model and the cluster', () => {
    const plan = planEndpoint(
      {
        ...request,
        model: 'meta-llama/Llama-3.1-70B-Instruct',
        gpuProfile: 'h100-80gb',
        tensorParallelSize: 4,
        replicas: { min: 1, max: 1 },
        dataClassification: 'restricted',
      },
      config,
      [],
    );
    expect(decision(plan, 'model-data-classification').message).toBe(
      'dataClassification: meta-llama/Llama-3.1-70B-Instruct is approved only up to internal data, not restricted',
    );
    expect(decision(plan, 'cluster-data-classification').message).toBe(
      'dataClassification: cluster gpu-eu-west-1 may not process restricted data; it allows public, internal, confidential',
    );
    // the 70B model fits 4 × H100 and costs 4 GPUs per replica
    expect(decision(plan, 'memory-fit').outcome).toBe('pass');
    expect(plan.cost?.monthlyMaxUsd).toBe(9344);
    expect(plan.quota?.requestedGpus).toBe(4);
  });

  it('lists every failed rule together', () => {
    const plan = planEndpoint(
      {
        ...request,
        name: 'Bad_Name',
        contextTokens: 131072,
        replicas: { min: 1, max: 5 },
        dataClassification: 'restricted',
      },
      config,
      [],
    );
    expect(
      plan.decisions.filter(d => d.outcome === 'fail').map(d => d.rule),
    ).toEqual([
      'endpoint-name',
      'memory-fit',
      'gpu-quota',
      'model-data-classification',
      'cluster-data-classification',
    ]);
    expect(describeFailedDecisions(plan.decisions).split('\n')).toHaveLength(5);
  });
});
