import {
  costBasisLabel,
  describeRightSizingChange,
  formatPerMillionOutputTokens,
  isEstimatedBasis,
  unitCostGap,
} from './costBasis';

describe('costBasis', () => {
  it('labels each basis, marks only the spec estimate as an estimate, and shows an unknown basis as sent', () => {
    expect(costBasisLabel('gpu-hours-prometheus')).toBe(
      'GPU-hours from Prometheus',
    );
    expect(costBasisLabel('gpu-hours-spec-estimate', { short: true })).toBe(
      'GPU · estimate',
    );
    expect(isEstimatedBasis('gpu-hours-spec-estimate')).toBe(true);
    expect(isEstimatedBasis('gpu-hours-prometheus')).toBe(false);
    expect(isEstimatedBasis(null)).toBe(false);
    expect(costBasisLabel('carbon-credits' as any)).toBe('carbon-credits');
  });

  it('describes a lower replicas.min and a cheaper profile', () => {
    const base = { monthlySavingUsd: 2336, reason: 'peak 3 running' };
    expect(
      describeRightSizingChange({
        ...base,
        kind: 'replicas-min',
        from: '2',
        to: '1',
      }),
    ).toBe('replicas.min 2 → 1');
    expect(
      describeRightSizingChange({
        ...base,
        kind: 'gpu-profile',
        from: 'h100-80gb',
        to: 'l4-24gb',
      }),
    ).toBe('GPU profile h100-80gb → l4-24gb');
  });

  it('writes — with the reason when no work was served', () => {
    const idle = {
      perMillionOutputTokensUsd: null,
      perThousandRequestsUsd: null,
      costUsd: 76.8,
      outputTokens: 0,
      requests: 0,
      basis: 'gpu-hours-spec-estimate' as const,
    };
    expect(formatPerMillionOutputTokens(idle)).toBe('—');
    expect(unitCostGap(idle, 'output-tokens')).toBe(
      'no output tokens served this month',
    );
    expect(unitCostGap(idle, 'requests')).toBe('no requests served this month');
    expect(
      formatPerMillionOutputTokens({
        ...idle,
        perMillionOutputTokensUsd: 4.1,
      }),
    ).toBe('$4.10 / M output tokens');
  });
});
