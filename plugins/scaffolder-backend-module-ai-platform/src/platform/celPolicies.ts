import { parse } from '@marcbachmann/cel-js';
import type {
  PlanDecision,
  PlatformPolicy,
} from '@ai-platform/plugin-ai-platform-common';

/**
 * A custom policy with its compiled CEL expression.
 *
 * @internal
 */
export type CompiledPlatformPolicy = PlatformPolicy & {
  evaluate: (context: Record<string, unknown>) => unknown;
};

/**
 * Compiles one policy's CEL expression, or throws an Error naming the config key.
 *
 * @internal
 */
export function compilePlatformPolicy(
  policy: PlatformPolicy,
  configKey: string,
): CompiledPlatformPolicy {
  try {
    const evaluate = parse(policy.expression);
    return { ...policy, evaluate: context => evaluate(context) };
  } catch (error) {
    throw new Error(
      `${configKey}.expression: policy '${
        policy.id
      }' is not a valid CEL expression: ${firstLine(error)}`,
    );
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim();
}

/**
 * Evaluates the custom policies over `{ request, plan }`; each true result passes, false
 * fails with the policy's message, anything else (an error, a non-boolean) fails saying why.
 *
 * @internal
 */
export function evaluatePlatformPolicies(
  policies: CompiledPlatformPolicy[],
  context: { request: unknown; plan: unknown },
): PlanDecision[] {
  return policies.map(policy => {
    const rule = `policy:${policy.id}`;
    let result: unknown;
    try {
      result = policy.evaluate(context);
    } catch (error) {
      return {
        rule,
        outcome: 'fail' as const,
        message: `could not be evaluated (${firstLine(
          error,
        )}); fix aiPlatform.policies '${policy.id}'`,
      };
    }
    if (result === true) {
      return { rule, outcome: 'pass' as const, message: policy.message };
    }
    if (result === false) {
      return { rule, outcome: 'fail' as const, message: policy.message };
    }
    return {
      rule,
      outcome: 'fail' as const,
      message: `must evaluate to true or false, got ${typeof result}; fix aiPlatform.policies '${
        policy.id
      }'`,
    };
  });
}
