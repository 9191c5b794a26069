// The browser end-to-end tests import these formatters to format API numbers
// exactly as the page does: keep the imports to types and the common package.
import {
  formatCount,
  formatDecimal,
  formatMs,
  formatPercent,
  usdFormatter,
} from '@ai-platform/plugin-ai-platform-common';
import type {
  ScorecardCheck,
  ScorecardCheckSource,
  ScorecardCheckStatus,
} from '../../api';

/** The panels of the scorecard tab, in display order. */
export type ScorecardPanelId = 'cost' | 'ttft' | 'evals' | 'reliability';

/** What a panel shows, and what to set in the entity spec to get checks. */
export interface ScorecardPanelDefinition {
  id: ScorecardPanelId;
  title: string;
  /** Shown when the entity declares no threshold for this panel. */
  whenEmpty: string;
  includes(checkId: string): boolean;
}

export const scorecardPanels: ScorecardPanelDefinition[] = [
  {
    id: 'cost',
    title: 'Cost',
    whenEmpty:
      'No budget checks: set spec.budget.monthlyUsd to compare spend with a budget.',
    includes: checkId => checkId.startsWith('budget-'),
  },
  {
    id: 'ttft',
    title: 'TTFT',
    whenEmpty:
      'No time-to-first-token check: set spec.slo.ttftP95Ms to compare TTFT p95 with an SLO.',
    includes: checkId => checkId === 'ttft-p95',
  },
  {
    id: 'evals',
    title: 'Evals',
    whenEmpty:
      'No eval checks: list eval suites with a minScore in spec.evals and upload their results.',
    includes: checkId =>
      checkId.startsWith('eval:') || checkId.startsWith('eval-regression:'),
  },
  {
    id: 'reliability',
    title: 'Reliability',
    whenEmpty:
      'No reliability check: set spec.slo.errorRatePercent to compare the error rate with an SLO.',
    includes: checkId => checkId === 'error-rate',
  },
];

/**
 * Month-to-date before forecast, and each eval suite's score directly above
 * its regression check.
 */
function checkSortKey(checkId: string): string {
  if (checkId === 'budget-mtd') return '0';
  if (checkId === 'budget-forecast') return '1';
  if (checkId.startsWith('eval:')) {
    return `2:${checkId.slice('eval:'.length)}:0`;
  }
  if (checkId.startsWith('eval-regression:')) {
    return `2:${checkId.slice('eval-regression:'.length)}:1`;
  }
  return `3:${checkId}`;
}

/** The checks of each panel, in the order of {@link scorecardPanels}. */
export function groupChecksIntoPanels(
  checks: ScorecardCheck[],
): Array<{ panel: ScorecardPanelDefinition; checks: ScorecardCheck[] }> {
  return scorecardPanels.map(panel => ({
    panel,
    checks: checks
      .filter(check => panel.includes(check.checkId))
      .sort((a, b) =>
        checkSortKey(a.checkId).localeCompare(checkSortKey(b.checkId)),
      ),
  }));
}

export const checkStatusLabels: Record<ScorecardCheckStatus, string> = {
  pass: 'Pass',
  warn: 'Warn',
  fail: 'Fail',
  'not-enough-data': 'Not enough data',
  'source-unavailable': 'Source unavailable',
};

const sourceCaptions: Record<ScorecardCheckSource, string> = {
  prometheus: 'from Prometheus',
  'telemetry-store': 'from gateway telemetry',
};

/**
 * `from Prometheus` / `from gateway telemetry` (`from eval results` for eval
 * checks, which the built-in store keeps from uploaded runs); `undefined`
 * without a source.
 */
export function formatCheckSource(
  source: ScorecardCheckSource | undefined,
  category?: ScorecardCheck['category'],
): string | undefined {
  if (source === 'telemetry-store' && category === 'eval') {
    return 'from eval results';
  }
  return source ? sourceCaptions[source] ?? `from ${source}` : undefined;
}

/**
 * Dollars on the scorecard tab: `$1,234.50`, `$3,000` for whole dollars, and
 * three significant digits below a dollar (`$0.0756`), so small spends do
 * not read as `$0.00`.
 */
export const formatUsd = usdFormatter({
  unit: 'symbol',
  cents: 'unless-whole',
  small: 'significant',
});

// The browser end-to-end tests import the tab's formatters from here.
export { formatCount, formatMs, formatPercent };

/** A person-readable name of a check, e.g. `Month-to-date spend`. */
export function checkLabel(checkId: string): string {
  if (checkId === 'budget-mtd') return 'Month-to-date spend';
  if (checkId === 'budget-forecast') return 'End-of-month forecast';
  if (checkId === 'ttft-p95') return 'TTFT p95';
  if (checkId === 'error-rate') return 'Error rate';
  if (checkId.startsWith('eval:')) {
    return `Eval score: ${checkId.slice('eval:'.length)}`;
  }
  if (checkId.startsWith('eval-regression:')) {
    return `Regression: ${checkId.slice('eval-regression:'.length)}`;
  }
  return checkId;
}

/** A check's value in its unit (USD, ms, percent or score). */
export function formatCheckValue(
  checkId: string,
  value: number | null,
): string {
  if (value === null) return '—';
  if (checkId.startsWith('budget-')) return formatUsd(value);
  if (checkId === 'ttft-p95') return formatMs(value);
  if (checkId === 'error-rate') return formatPercent(value);
  if (checkId.startsWith('eval-regression:')) {
    // The value is the drop since the previous run; negative is a rise.
    if (value > 0) return `dropped ${formatDecimal(value)}`;
    if (value < 0) return `rose ${formatDecimal(-value)}`;
    return 'unchanged';
  }
  return formatDecimal(value);
}

/** A check's threshold with what kind of threshold it is. */
export function formatCheckThreshold(
  checkId: string,
  threshold: number | null,
): string {
  if (threshold === null) return '—';
  const formatted = checkId.startsWith('eval-regression:')
    ? formatDecimal(threshold)
    : formatCheckValue(checkId, threshold);
  if (checkId.startsWith('budget-')) return `budget ${formatted}`;
  if (checkId.startsWith('eval:')) return `minimum ${formatted}`;
  if (checkId.startsWith('eval-regression:')) {
    return `largest allowed drop ${formatted}`;
  }
  return `SLO ${formatted}`;
}

/** The eval check with the lowest score relative to its minimum. */
export function weakestEvalCheck(checks: ScorecardCheck[]) {
  const evals = checks.filter(check => check.checkId.startsWith('eval:'));
  const scored = evals.filter(check => check.value !== null);
  const candidates = scored.length ? scored : evals;
  return candidates.reduce<ScorecardCheck | undefined>(
    (weakest, check) =>
      !weakest ||
      (check.value ?? 0) - (check.threshold ?? 0) <
        (weakest.value ?? 0) - (weakest.threshold ?? 0)
        ? check
        : weakest,
    undefined,
  );
}

/**
 * Spend per 1,000 requests and per million tokens, derived from usage
 * totals; `null` where the divisor is zero.
 */
export function unitCostsUsd(usage: {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}): { per1kRequestsUsd: number | null; perMillionTokensUsd: number | null } {
  const tokens = usage.inputTokens + usage.outputTokens;
  return {
    per1kRequestsUsd:
      usage.requests > 0 ? (usage.costUsd / usage.requests) * 1000 : null,
    perMillionTokensUsd: tokens > 0 ? (usage.costUsd / tokens) * 1e6 : null,
  };
}
