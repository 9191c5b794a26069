import { EntityCost } from '@ai-platform/plugin-ai-platform-common';
import { EntityCostDetail } from '../../cost/EntityCostService';
import { agentGpuShareBudgetChecks } from './budgetChecks';

// 10 days into a 30-day month (UTC): a third of it has elapsed.
const NOW = new Date('2026-11-11T00:00:00.000Z');

function agentDetail(
  overrides: Partial<EntityCost> = {},
  sourceFailed = false,
): EntityCostDetail {
  const cost: EntityCost = {
    entityRef: 'agent:default/support-triage-agent',
    kind: 'Agent',
    title: 'support-triage-agent',
    type: null,
    servingMode: null,
    costUsd: 3.8,
    basis: 'gateway-and-gpu-share-estimate',
    unavailableReason: null,
    gpu: null,
    unitCost: null,
    saturation: null,
    rightSizing: [],
    gpuShare: {
      gatewayCostUsd: 0.6,
      gpuShareCostUsd: 3.2,
      replacedGatewayCostUsd: 0.0014,
      estimated: true,
      endpoints: [
        {
          endpointRef: 'modelendpoint:default/llama-chat',
          gpuHoursSource: 'spec-estimate',
          hours: 1,
          agentTokens: 300,
          endpointTokens: 400,
          shareCostUsd: 3.2,
        },
      ],
      basis:
        'Gateway cost 0.60 USD + share of self-hosted GPU cost by tokens per hour 3.20 USD (llama-chat, estimated from the spec)',
    },
    ...overrides,
  };
  return { cost, gpuHoursSource: null, sourceFailed, measurement: null };
}

describe('agentGpuShareBudgetChecks', () => {
  it('judges the month to date and the forecast on the cost with the GPU share', () => {
    const [mtd, forecast] = agentGpuShareBudgetChecks({
      detail: agentDetail(),
      monthlyUsd: 10,
      requests: 50,
      minRequests: 10,
      now: NOW,
    });
    expect(mtd).toMatchObject({
      checkId: 'budget-mtd',
      status: 'pass',
      value: 3.8,
      threshold: 10,
      source: 'spec-estimate',
    });
    expect(mtd.message).toContain(
      'with a share of GPU cost estimated from the spec',
    );
    expect(mtd.message).toContain('llama-chat, estimated from the spec');
    // 3.80 USD in a third of the month: 11.40 USD by its end, over 10.
    expect(forecast).toMatchObject({
      checkId: 'budget-forecast',
      status: 'warn',
      value: 11.4,
      threshold: 10,
    });
  });

  it('fails the month to date over budget, and needs requests to forecast', () => {
    const [mtd, forecast] = agentGpuShareBudgetChecks({
      detail: agentDetail(),
      monthlyUsd: 3,
      requests: 5,
      minRequests: 10,
      now: NOW,
    });
    expect(mtd).toMatchObject({ status: 'fail', value: 3.8 });
    expect(mtd.message).toMatch(/over budget/);
    expect(forecast).toMatchObject({
      status: 'not-enough-data',
      value: null,
    });
  });

  it('says source-unavailable with the reason when Prometheus could not answer', () => {
    const checks = agentGpuShareBudgetChecks({
      detail: agentDetail(
        {
          costUsd: null,
          unavailableReason:
            'GPU cost of modelendpoint:default/llama-chat unavailable: Prometheus could not be reached',
        },
        true,
      ),
      monthlyUsd: 10,
      requests: 50,
      minRequests: 10,
      now: NOW,
    });
    expect(checks.map(c => [c.checkId, c.status, c.value])).toEqual([
      ['budget-mtd', 'source-unavailable', null],
      ['budget-forecast', 'source-unavailable', null],
    ]);
    expect(checks[0].message).toContain('Prometheus could not be reached');
  });
});
