import { Entity } from '@backstage/catalog-model';
import {
  describeModelServing,
  formatReplicaRange,
  formatUsd,
} from './aiEntityDisplay';

describe('aiEntityDisplay', () => {
  it('formats dollars without cents for whole amounts', () => {
    expect(formatUsd(9000)).toBe('$9,000');
    expect(formatUsd(3.2)).toBe('$3.20');
    expect(formatUsd(0.15)).toBe('$0.15');
  });

  it('formats replica ranges', () => {
    expect(formatReplicaRange({ min: 1, max: 4 })).toBe('1–4');
    expect(formatReplicaRange({ min: 2, max: 2 })).toBe('2');
    expect(formatReplicaRange({ min: 1 })).toBe('≥ 1');
    expect(formatReplicaRange({ max: 4 })).toBe('≤ 4');
    expect(formatReplicaRange(undefined)).toBeUndefined();
  });

  it('summarises serving', () => {
    const endpoint = (serving: unknown): Entity => ({
      apiVersion: 'aiplatform.io/v1alpha1',
      kind: 'ModelEndpoint',
      metadata: { name: 'e' },
      spec: { serving } as Entity['spec'],
    });
    expect(
      describeModelServing(
        endpoint({ mode: 'self-hosted', runtime: 'nim', gpuProfile: 'l4' }),
      ),
    ).toBe('Self-hosted · nim · l4');
    expect(describeModelServing(endpoint({ mode: 'self-hosted' }))).toBe(
      'Self-hosted',
    );
    expect(
      describeModelServing(endpoint({ mode: 'managed', provider: 'openai' })),
    ).toBe('Managed · openai');
    expect(describeModelServing(endpoint(undefined))).toBe('—');
  });
});
