import { Entity } from '@backstage/catalog-model';
import {
  DEMO_PLATFORM as platform,
  demoSelfHostedEndpoint as endpoint,
} from './__testUtils__/demoPlatformConfig';
import { recommendRightSizing } from './rightSizing';

const LLAMA_8B = 'meta-llama/Llama-3.1-8B-Instruct';
const noTelemetry = { utilisationPercent: null, peakRunningRequests: null };

// Memory fit at 8,192 tokens × 1 sequence, gpu_memory_utilization 0.92
// (provisioning reference §c): Llama 3.1 8B weights 8.03e9 × 2 B = 14.96 GiB,
// overhead max(2, 1.50) = 2 GiB, KV 2 × 32 × 8 × 128 × 2 B × 8,192 = 1.00 GiB
// → needs 17.96 GiB. Usable: L4 0.92 × 22.49 = 20.69 GiB (room for 3
// full-length sequences), MIG 3g.40gb 0.92 × 39.2 = 36.06 GiB (19), H100
// 0.92 × 79.1 = 72.77 GiB (55).

describe('recommendRightSizing', () => {
  it('moves Llama 3.1 8B from an H100 to an L4, where it fits at its context', () => {
    const recommendations = recommendRightSizing({
      entity: endpoint({
        model: LLAMA_8B,
        gpuProfile: 'h100-80gb',
        replicas: { min: 1, max: 4 },
      }),
      platform,
      gpuHourUsd: 3.2,
      gpusPerReplica: 1,
      ...noTelemetry,
    });
    expect(recommendations).toHaveLength(1);
    const [recommendation] = recommendations;
    expect(recommendation).toMatchObject({
      kind: 'gpu-profile',
      from: 'h100-80gb',
      to: 'l4-24gb',
      // (3.20 − 0.80) USD × 1 GPU × 1 replica × 730 h
      monthlySavingUsd: 1752,
    });
    expect(recommendation.reason).toContain(
      'needs 18.0 GiB of 20.7 GiB usable on l4-24gb at 8,192 tokens of context',
    );
    expect(recommendation.reason).toContain(
      "the model's default, as the entity does not record its own",
    );
    expect(recommendation.reason).toContain('peak concurrency not measured');
    expect(recommendation.reason).toContain(
      '584.00 USD a month at 0.80 USD per GPU-hour instead of 2,336.00 USD',
    );
  });

  it("gives the demo catalog's self-hosted endpoints their moves (examples/model-endpoints.yaml)", () => {
    // Without Prometheus: no utilisation, no peak. Prices are the entities'
    // spec.pricing.gpuHourUsd; owners and replicas as in the example file.
    const demo = [
      [LLAMA_8B, 'h100-80gb', 'ml-platform', 1, 4, 3.2],
      [
        'Qwen/Qwen2.5-7B-Instruct',
        'h100-mig-3g-40gb',
        'developer-productivity',
        1,
        2,
        1.4,
      ],
      [
        'mistralai/Mistral-7B-Instruct-v0.3',
        'l4-24gb',
        'support-experience',
        1,
        3,
        0.8,
      ],
      ['BAAI/bge-m3', 'l4-24gb', 'support-experience', 1, 2, 0.8],
    ] as const;
    const moves = demo.map(([model, gpuProfile, owner, min, max, gpuHourUsd]) =>
      recommendRightSizing({
        entity: endpoint({ model, gpuProfile, owner, replicas: { min, max } }),
        platform,
        gpuHourUsd,
        gpusPerReplica: 1,
        ...noTelemetry,
      }).map(r => [r.kind, r.to, r.monthlySavingUsd, r.reason.split(';')[0]]),
    );
    expect(moves).toEqual([
      [
        [
          'gpu-profile',
          'l4-24gb',
          1752,
          "needs 18.0 GiB of 20.7 GiB usable on l4-24gb at 8,192 tokens of context (the model's default, as the entity does not record its own) × 1 sequence",
        ],
      ],
      // Qwen2.5 7B: 14.2 GiB weights + 0.4 GiB KV + 2 GiB overhead; (1.40 − 0.80) × 730
      [
        [
          'gpu-profile',
          'l4-24gb',
          438,
          "needs 16.6 GiB of 20.7 GiB usable on l4-24gb at 8,192 tokens of context (the model's default, as the entity does not record its own) × 1 sequence",
        ],
      ],
      // Already on the cheapest profile.
      [],
      [],
    ]);
  });

  it('skips a cheaper profile whose replicas.max cannot hold the measured peak, and one over the team quota', () => {
    // Peak 5: L4 holds 2 replicas × 3 sequences × 0.8 = 4.8 < 5, so not L4;
    // MIG holds 2 × 19 × 0.8 = 30.4 and 2 slices fit ml-platform's quota of 2.
    const atMaxTwo = recommendRightSizing({
      entity: endpoint({
        model: LLAMA_8B,
        gpuProfile: 'h100-80gb',
        replicas: { min: 1, max: 2 },
      }),
      platform,
      gpuHourUsd: 3.2,
      gpusPerReplica: 1,
      utilisationPercent: 50,
      peakRunningRequests: 5,
    });
    expect(atMaxTwo).toEqual([
      expect.objectContaining({
        kind: 'gpu-profile',
        to: 'h100-mig-3g-40gb',
        // (3.20 − 1.40) USD × 730 h
        monthlySavingUsd: 1314,
      }),
    ]);
    expect(atMaxTwo[0].reason).toContain(
      'needs 18.0 GiB of 36.1 GiB usable on h100-mig-3g-40gb',
    );
    expect(atMaxTwo[0].reason).toContain('7-day peak of 5 requests fits');

    // At max 4 the MIG move needs 4 slices, over ml-platform's quota of 2.
    expect(
      recommendRightSizing({
        entity: endpoint({
          model: LLAMA_8B,
          gpuProfile: 'h100-80gb',
          replicas: { min: 1, max: 4 },
        }),
        platform,
        gpuHourUsd: 3.2,
        gpusPerReplica: 1,
        utilisationPercent: 50,
        peakRunningRequests: 10,
      }),
    ).toEqual([]);
  });

  it('recommends nothing when the model fits no cheaper profile', () => {
    // Llama 3.1 70B: 131.5 GiB of weights; on one GPU of any cheaper profile
    // it needs 147.2 GiB, more than 36.1 GiB (MIG) or 20.7 GiB (L4).
    expect(
      recommendRightSizing({
        entity: endpoint({
          model: 'meta-llama/Llama-3.1-70B-Instruct',
          gpuProfile: 'h100-80gb',
          replicas: { min: 1, max: 2 },
        }),
        platform,
        gpuHourUsd: 3.2,
        gpusPerReplica: 2,
        ...noTelemetry,
      }),
    ).toEqual([]);
  });

  it('recommends nothing for a model that is not in aiPlatform.models', () => {
    expect(
      recommendRightSizing({
        entity: endpoint({
          model: 'acme/unlisted-7b',
          gpuProfile: 'h100-80gb',
          replicas: { min: 3, max: 4 },
        }),
        platform,
        gpuHourUsd: 3.2,
        gpusPerReplica: 1,
        utilisationPercent: 8,
        peakRunningRequests: 2,
      }),
    ).toEqual([]);
  });

  it('nothing cheaper than the cheapest profile', () => {
    expect(
      recommendRightSizing({
        entity: endpoint({
          model: 'mistralai/Mistral-7B-Instruct-v0.3',
          gpuProfile: 'l4-24gb',
          owner: 'support-experience',
          replicas: { min: 1, max: 3 },
        }),
        platform,
        gpuHourUsd: 0.8,
        gpusPerReplica: 1,
        ...noTelemetry,
      }),
    ).toEqual([]);
  });

  it('lowers replicas.min of an idle endpoint whose peak fits fewer replicas', () => {
    // 3 replicas at 8 %: peak 12 ≤ 1 × 55 × 0.8 = 44; 8 % × 3 / 1 = 24 % ≤ 60 %.
    const recommendations = recommendRightSizing({
      entity: endpoint({
        model: LLAMA_8B,
        gpuProfile: 'h100-80gb',
        replicas: { min: 3, max: 4 },
      }),
      platform,
      gpuHourUsd: 3.2,
      gpusPerReplica: 1,
      utilisationPercent: 8,
      peakRunningRequests: 12,
    });
    // No profile move: L4 at 4 replicas holds 9.6 < 12, MIG needs 4 slices
    // over the quota of 2.
    expect(recommendations).toHaveLength(1);
    expect(recommendations[0]).toMatchObject({
      kind: 'replicas-min',
      from: '3',
      to: '1',
      // 2 replicas × 1 GPU × 3.20 USD × 730 h
      monthlySavingUsd: 4672,
    });
    expect(recommendations[0].reason).toContain(
      'mean GPU utilisation 8 % over 7 days (below 30 %) would be about 24 % on 1 replica',
    );
    expect(recommendations[0].reason).toContain(
      'the 7-day peak of 12 concurrent requests fits 1 replica × 44 (80 % of the 55 full-length sequences of 8,192 tokens',
    );
  });

  it('never lowers replicas.min to zero, even with no traffic at all', () => {
    const recommendations = recommendRightSizing({
      entity: endpoint({
        model: LLAMA_8B,
        gpuProfile: 'h100-80gb',
        replicas: { min: 2, max: 2 },
      }),
      platform,
      gpuHourUsd: 3.2,
      gpusPerReplica: 1,
      utilisationPercent: 0,
      peakRunningRequests: 0,
    });
    expect(
      recommendations.map(r => [r.kind, r.from, r.to, r.monthlySavingUsd]),
    ).toEqual([
      // L4 at 2 replicas: (3.20 − 0.80) × 2 × 730
      ['gpu-profile', 'h100-80gb', 'l4-24gb', 3504],
      // 1 replica × 3.20 × 730
      ['replicas-min', '2', '1', 2336],
    ]);
  });

  it('keeps more replicas when the peak or the projected utilisation needs them, largest saving first', () => {
    // Peak 9 fits L4 at 4 × 3 × 0.8 = 9.6, so both recommendations apply:
    // L4 at 3 replicas saves (3.20 − 0.80) × 3 × 730 = 5,256.00 USD.
    const both = recommendRightSizing({
      entity: endpoint({
        model: LLAMA_8B,
        gpuProfile: 'h100-80gb',
        replicas: { min: 3, max: 4 },
      }),
      platform,
      gpuHourUsd: 3.2,
      gpusPerReplica: 1,
      utilisationPercent: 25,
      peakRunningRequests: 9,
    });
    // 25 % × 3 replicas / 60 % = 1.25 → 2 replicas; saves 1 × 3.20 × 730.
    expect(both.map(r => [r.kind, r.from, r.to, r.monthlySavingUsd])).toEqual([
      ['gpu-profile', 'h100-80gb', 'l4-24gb', 5256],
      ['replicas-min', '3', '2', 2336],
    ]);

    // Peak 100 needs ceil(100 / 44) = 3 replicas: nothing to save.
    expect(
      recommendRightSizing({
        entity: endpoint({
          model: LLAMA_8B,
          gpuProfile: 'h100-80gb',
          replicas: { min: 3, max: 4 },
        }),
        platform,
        gpuHourUsd: 3.2,
        gpusPerReplica: 1,
        utilisationPercent: 8,
        peakRunningRequests: 100,
      }).filter(r => r.kind === 'replicas-min'),
    ).toEqual([]);
  });

  it.each([
    ['utilisation unknown', 3, null, 2],
    ['peak unknown', 3, 8, null],
    ['utilisation not below 30 %', 3, 30, 2],
    ['replicas.min already 1', 1, 2, 0],
  ] as const)(
    'does not lower replicas.min: %s',
    (_, min, utilisationPercent, peakRunningRequests) => {
      const recommendations = recommendRightSizing({
        // max 8: no profile move either, 8 L4s exceed ml-platform's quota of 4
        entity: endpoint({
          model: LLAMA_8B,
          gpuProfile: 'h100-80gb',
          replicas: { min, max: 8 },
        }),
        platform,
        gpuHourUsd: 3.2,
        gpusPerReplica: 1,
        utilisationPercent,
        peakRunningRequests,
      });
      expect(recommendations).toEqual([]);
    },
  );

  it('only moves to a profile the cluster offers, reading the cluster as an entity ref', () => {
    const withH100Cluster: typeof platform = {
      ...platform,
      planning: {
        ...platform.planning,
        clusters: [
          ...platform.planning.clusters,
          {
            name: 'gpu-h100-only',
            region: 'eu-west-1',
            gpuProfiles: ['h100-80gb'],
            allowedDataClassifications: ['internal'],
          },
        ],
      },
    };
    const onCluster = (cluster: string) =>
      recommendRightSizing({
        entity: endpoint({
          model: LLAMA_8B,
          gpuProfile: 'h100-80gb',
          replicas: { min: 1, max: 4 },
          cluster,
        }),
        platform: withH100Cluster,
        gpuHourUsd: 3.2,
        gpusPerReplica: 1,
        ...noTelemetry,
      }).map(r => r.to);
    expect(onCluster('resource:default/gpu-h100-only')).toEqual([]);
    expect(onCluster('resource:default/gpu-eu-west-1')).toEqual(['l4-24gb']);
  });

  it('moves no endpoint whose owner has no GPU quota under aiPlatform.teams', () => {
    expect(
      recommendRightSizing({
        entity: endpoint({
          model: LLAMA_8B,
          gpuProfile: 'h100-80gb',
          owner: 'group:default/no-quota-team',
          replicas: { min: 1, max: 1 },
        }),
        platform,
        gpuHourUsd: 3.2,
        gpusPerReplica: 1,
        ...noTelemetry,
      }),
    ).toEqual([]);
  });

  it('never plans tensor parallelism over MIG slices', () => {
    // A MIG profile configured with 2 slices per replica would cost
    // 2 × 1.40 = 2.80 USD an hour, below the H100's 3.20, and Llama 3.1 8B
    // fits on 2 slices; the plan's tensor-parallelism rule refuses MIG with
    // tensor parallel 2, so no move is recommended.
    const migPairs: typeof platform = {
      ...platform,
      planning: {
        ...platform.planning,
        gpuProfiles: platform.planning.gpuProfiles.map(p =>
          p.id === 'h100-mig-3g-40gb' ? { ...p, gpusPerReplica: 2 } : p,
        ),
        clusters: [
          {
            ...platform.planning.clusters[0],
            gpuProfiles: ['h100-80gb', 'h100-mig-3g-40gb'],
          },
        ],
      },
    };
    expect(
      recommendRightSizing({
        entity: endpoint({
          model: LLAMA_8B,
          gpuProfile: 'h100-80gb',
          replicas: { min: 1, max: 1 },
        }),
        platform: migPairs,
        gpuHourUsd: 3.2,
        gpusPerReplica: 1,
        ...noTelemetry,
      }),
    ).toEqual([]);
  });

  it('recommends nothing for a managed endpoint', () => {
    const managed: Entity = {
      ...endpoint({
        model: LLAMA_8B,
        gpuProfile: 'h100-80gb',
        replicas: { min: 3, max: 4 },
      }),
    };
    managed.spec = {
      ...managed.spec,
      serving: { mode: 'managed', provider: 'openai' },
    };
    expect(
      recommendRightSizing({
        entity: managed,
        platform,
        gpuHourUsd: 3.2,
        gpusPerReplica: 1,
        utilisationPercent: 8,
        peakRunningRequests: 2,
      }),
    ).toEqual([]);
  });

  it('names the field of a bad number', () => {
    expect(() =>
      recommendRightSizing({
        entity: endpoint({
          model: LLAMA_8B,
          gpuProfile: 'h100-80gb',
          replicas: { min: 1, max: 1 },
        }),
        platform,
        gpuHourUsd: Number.NaN,
        gpusPerReplica: 1,
        utilisationPercent: 140,
        peakRunningRequests: null,
      }),
    ).toThrow(
      'Cannot right-size: gpuHourUsd must be a number ≥ 0, got NaN; utilisationPercent must be between 0 and 100 or null, got 140',
    );
  });
});
