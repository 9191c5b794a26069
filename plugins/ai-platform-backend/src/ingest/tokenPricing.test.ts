import { mockServices } from '@backstage/backend-test-utils';
import {
  priceTelemetryEvent,
  readPricingConfig,
  tokenCostUsd,
  tokenPricingOf,
} from './tokenPricing';

const ENDPOINT_PRICING = {
  inputPerMillionTokensUsd: 0.15,
  outputPerMillionTokensUsd: 0.6,
};
const CONFIG_PRICING = new Map([
  [
    'gpt-4o-mini',
    { inputPerMillionTokensUsd: 1, outputPerMillionTokensUsd: 2 },
  ],
  [
    'text-embedding-3-small',
    { inputPerMillionTokensUsd: 0.02, outputPerMillionTokensUsd: 0 },
  ],
]);
const CALL = {
  costUsd: 0,
  inputTokens: 1043,
  outputTokens: 142,
  joinKey: 'gpt-4o-mini',
  model: 'gpt-4o-mini-2024-07-18',
};

describe('tokenCostUsd', () => {
  it('prices tokens per million, without float noise', () => {
    // 1043 × 0.15 / 1e6 + 142 × 0.6 / 1e6
    expect(tokenCostUsd(ENDPOINT_PRICING, 1043, 142)).toBe(0.00024165);
    expect(tokenCostUsd(ENDPOINT_PRICING, 500, 50)).toBe(0.000105);
    expect(tokenCostUsd(ENDPOINT_PRICING, 0, 0)).toBe(0);
  });
});

describe('priceTelemetryEvent', () => {
  it('keeps a cost the gateway reported, even when prices are known', () => {
    expect(
      priceTelemetryEvent(
        { ...CALL, costUsd: 0.00041325 },
        ENDPOINT_PRICING,
        CONFIG_PRICING,
      ),
    ).toEqual({ costUsd: 0.00041325, costSource: 'gateway' });
  });

  it("prefers the endpoint's spec.pricing over the config table", () => {
    expect(priceTelemetryEvent(CALL, ENDPOINT_PRICING, CONFIG_PRICING)).toEqual(
      { costUsd: 0.00024165, costSource: 'endpoint-pricing' },
    );
  });

  it('falls back to the config table by gateway alias, then by model', () => {
    // 1043 × 1 / 1e6 + 142 × 2 / 1e6
    expect(priceTelemetryEvent(CALL, undefined, CONFIG_PRICING)).toEqual({
      costUsd: 0.001327,
      costSource: 'config-pricing',
    });
    expect(
      priceTelemetryEvent(
        {
          ...CALL,
          joinKey: 'team-embeddings',
          model: 'text-embedding-3-small',
          inputTokens: 64,
          outputTokens: 0,
        },
        undefined,
        CONFIG_PRICING,
      ),
    ).toEqual({ costUsd: 0.00000128, costSource: 'config-pricing' });
  });

  it('stores 0 marked unknown when no price is found', () => {
    expect(
      priceTelemetryEvent(
        { ...CALL, joinKey: 'mystery', model: 'mystery-1' },
        undefined,
        CONFIG_PRICING,
      ),
    ).toEqual({ costUsd: 0, costSource: 'unknown' });
  });
});

describe('tokenPricingOf', () => {
  it('needs both per-million prices', () => {
    expect(tokenPricingOf(ENDPOINT_PRICING)).toEqual(ENDPOINT_PRICING);
    expect(tokenPricingOf({ inputPerMillionTokensUsd: 0.15 })).toBeUndefined();
    expect(tokenPricingOf({ gpuHourUsd: 2.5 })).toBeUndefined();
    expect(
      tokenPricingOf({
        inputPerMillionTokensUsd: -1,
        outputPerMillionTokensUsd: 1,
      }),
    ).toBeUndefined();
    expect(tokenPricingOf(undefined)).toBeUndefined();
  });
});

describe('readPricingConfig', () => {
  it('reads aiPlatform.pricing.models', () => {
    const config = mockServices.rootConfig({
      data: {
        aiPlatform: {
          pricing: {
            models: [
              {
                model: 'gpt-4o-mini',
                inputPerMillionTokensUsd: 1,
                outputPerMillionTokensUsd: 2,
              },
            ],
          },
        },
      },
    });
    expect(readPricingConfig(config)).toEqual(
      new Map([
        [
          'gpt-4o-mini',
          { inputPerMillionTokensUsd: 1, outputPerMillionTokensUsd: 2 },
        ],
      ]),
    );
    expect(readPricingConfig(mockServices.rootConfig())).toEqual(new Map());
  });

  it('names the entry and field of a bad price', () => {
    const config = mockServices.rootConfig({
      data: {
        aiPlatform: {
          pricing: {
            models: [
              {
                model: 'gpt-4o-mini',
                inputPerMillionTokensUsd: -1,
                outputPerMillionTokensUsd: 2,
              },
            ],
          },
        },
      },
    });
    expect(() => readPricingConfig(config)).toThrow(
      "Invalid config 'aiPlatform.pricing.models[0].inputPerMillionTokensUsd': expected a number of USD >= 0, got -1",
    );
  });
});
