import type { PlanDecision } from './types';

/** A rule that passed, with the sentence that says why. */
export function pass(rule: string, message: string): PlanDecision {
  return { rule, outcome: 'pass', message };
}

/** A rule that failed, with the sentence that says why. */
export function fail(rule: string, message: string): PlanDecision {
  return { rule, outcome: 'fail', message };
}

/** A list of configured names for a message, or a note that there are none. */
export function listOrNone(values: string[]): string {
  return values.length ? values.join(', ') : '(none configured)';
}

/**
 * The failed decisions of a plan, one plain sentence per line, e.g. for an error message.
 *
 * @public
 */
export function describeFailedDecisions(decisions: PlanDecision[]): string {
  return decisions
    .filter(d => d.outcome === 'fail')
    .map(d => `- ${d.rule}: ${d.message}`)
    .join('\n');
}
