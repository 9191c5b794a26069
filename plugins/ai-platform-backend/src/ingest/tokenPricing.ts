import { RootConfigService } from '@backstage/backend-plugin-api';

/**
 * Prices per million tokens, in USD.
 *
 * @internal
 */
export interface TokenPricing {
  inputPerMillionTokensUsd: number;
  outputPerMillionTokensUsd: number;
}

/**
 * Where an event's `costUsd` came from:
 *
 * - `gateway`: reported by the gateway (LiteLLM `response_cost` > 0);
 * - `endpoint-pricing`: tokens × `spec.pricing` of the resolved ModelEndpoint;
 * - `config-pricing`: tokens × the `aiPlatform.pricing.models` entry of the
 *   gateway model alias or the (response) model;
 * - `unknown`: no price found, the cost is stored as 0.
 *
 * @internal
 */
export type CostSource =
  | 'gateway'
  | 'endpoint-pricing'
  | 'config-pricing'
  | 'unknown';

function isPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Reads the token prices of a ModelEndpoint `spec.pricing`, or `undefined`
 * when either per-million price is missing or not a number ≥ 0 (a half
 * price would understate the cost).
 *
 * @internal
 */
export function tokenPricingOf(pricing: unknown): TokenPricing | undefined {
  if (typeof pricing !== 'object' || pricing === null) {
    return undefined;
  }
  const { inputPerMillionTokensUsd, outputPerMillionTokensUsd } =
    pricing as Record<string, unknown>;
  if (
    !isPrice(inputPerMillionTokensUsd) ||
    !isPrice(outputPerMillionTokensUsd)
  ) {
    return undefined;
  }
  return { inputPerMillionTokensUsd, outputPerMillionTokensUsd };
}

/**
 * Reads the pricing table `aiPlatform.pricing.models` (model name or gateway
 * alias → prices).
 *
 * @throws Error naming the entry and field when an entry is invalid
 * @internal
 */
export function readPricingConfig(
  config: RootConfigService,
): Map<string, TokenPricing> {
  const table = new Map<string, TokenPricing>();
  const entries = config.getOptionalConfigArray('aiPlatform.pricing.models');
  (entries ?? []).forEach((entry, index) => {
    const key = `aiPlatform.pricing.models[${index}]`;
    const model = entry.getString('model').trim();
    if (model === '') {
      throw new Error(`Invalid config '${key}.model': expected a model name`);
    }
    const prices: Record<string, number> = {};
    for (const field of [
      'inputPerMillionTokensUsd',
      'outputPerMillionTokensUsd',
    ]) {
      const value = entry.getNumber(field);
      if (!isPrice(value)) {
        throw new Error(
          `Invalid config '${key}.${field}': expected a number of USD >= 0, got ${value}`,
        );
      }
      prices[field] = value;
    }
    table.set(model, {
      inputPerMillionTokensUsd: prices.inputPerMillionTokensUsd,
      outputPerMillionTokensUsd: prices.outputPerMillionTokensUsd,
    });
  });
  return table;
}

/**
 * The cost of a call's tokens in USD, rounded to 1e-12 USD so that decimal
 * prices give the decimal result (0.00021, not 0.00021000000000000001).
 *
 * @internal
 */
export function tokenCostUsd(
  pricing: TokenPricing,
  inputTokens: number,
  outputTokens: number,
): number {
  const costUsd =
    (inputTokens * pricing.inputPerMillionTokensUsd +
      outputTokens * pricing.outputPerMillionTokensUsd) /
    1e6;
  return Math.round(costUsd * 1e12) / 1e12;
}

/**
 * Decides an event's cost. A cost the gateway reported (> 0) always wins;
 * else tokens × the resolved endpoint's `spec.pricing`; else tokens × the
 * config pricing of the gateway model alias, then of the model; else 0,
 * marked `unknown`.
 *
 * @internal
 */
export function priceTelemetryEvent(
  event: {
    costUsd: number;
    inputTokens: number;
    outputTokens: number;
    joinKey: string;
    model: string | null;
  },
  endpointPricing: TokenPricing | undefined,
  configPricing: Map<string, TokenPricing>,
): { costUsd: number; costSource: CostSource } {
  if (event.costUsd > 0) {
    return { costUsd: event.costUsd, costSource: 'gateway' };
  }
  if (endpointPricing) {
    return {
      costUsd: tokenCostUsd(
        endpointPricing,
        event.inputTokens,
        event.outputTokens,
      ),
      costSource: 'endpoint-pricing',
    };
  }
  const configured =
    configPricing.get(event.joinKey) ??
    (event.model ? configPricing.get(event.model) : undefined);
  if (configured) {
    return {
      costUsd: tokenCostUsd(configured, event.inputTokens, event.outputTokens),
      costSource: 'config-pricing',
    };
  }
  return { costUsd: 0, costSource: 'unknown' };
}
