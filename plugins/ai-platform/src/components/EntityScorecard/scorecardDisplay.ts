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
export type ScorecardPanelId =
  | 'cost'
  | 'efficiency'
  | 'ttft'
  | 'evals'
  | 'reliability'
  | 'agent'
  | 'governance'
  | 'other';

/** What a panel shows, and what to set in the entity spec to get checks. */
export interface ScorecardPanelDefinition {
  id: ScorecardPanelId;
  title: string;
  /** Shown when the entity declares no threshold for this panel. */
  whenEmpty: string;
  includes(check: Pick<ScorecardCheck, 'checkId' | 'category'>): boolean;
}

/** The GPU checks of a self-hosted endpoint. */
const EFFICIENCY_CHECK_IDS = ['gpu-idle', 'saturation'];

export const scorecardPanels: ScorecardPanelDefinition[] = [
  {
    id: 'cost',
    title: 'Cost',
    whenEmpty:
      'No budget checks: set spec.budget.monthlyUsd to compare spend with a budget.',
    includes: ({ checkId }) => checkId.startsWith('budget-'),
  },
  {
    id: 'efficiency',
    title: 'GPU efficiency',
    whenEmpty:
      "No GPU efficiency checks yet: they need GPU utilisation and vLLM series from the cluster's Prometheus (aiPlatform.telemetry.prometheus).",
    includes: ({ checkId, category }) =>
      category === 'efficiency' || EFFICIENCY_CHECK_IDS.includes(checkId),
  },
  {
    id: 'ttft',
    title: 'TTFT',
    whenEmpty:
      'No time-to-first-token check: set spec.slo.ttftP95Ms to compare TTFT p95 with an SLO.',
    includes: ({ checkId }) => checkId === 'ttft-p95',
  },
  {
    id: 'evals',
    title: 'Evals',
    whenEmpty:
      'No eval checks: list eval suites with a minScore in spec.evals and upload their results.',
    includes: ({ checkId }) =>
      checkId.startsWith('eval:') || checkId.startsWith('eval-regression:'),
  },
  {
    id: 'reliability',
    title: 'Reliability',
    whenEmpty:
      'No reliability check: set spec.slo.errorRatePercent to compare the error rate with an SLO.',
    includes: ({ checkId }) => checkId === 'error-rate',
  },
  {
    id: 'agent',
    title: 'Runs and tools',
    whenEmpty:
      'No agent checks yet: they are evaluated from invoke_agent and execute_tool spans (set spec.slo.runSuccessPercent, spec.slo.runP95Ms or spec.budget.perRunUsd to change the thresholds).',
    includes: ({ checkId, category }) =>
      category === 'agent' || checkId.startsWith('agent-'),
  },
  {
    id: 'governance',
    title: 'Governance',
    whenEmpty: '',
    includes: ({ checkId, category }) =>
      category === 'governance' || checkId.startsWith('governance:'),
  },
];

/** Checks of a category or id this version of the tab does not know. */
const otherChecksPanel: ScorecardPanelDefinition = {
  id: 'other',
  title: 'Other checks',
  whenEmpty: '',
  includes: () => true,
};

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

/**
 * The checks of each panel, in the order of {@link scorecardPanels}. The
 * GPU efficiency panel is left out unless it has checks or the entity is
 * self-hosted (`gpuEndpoint`), the runs and tools panel unless it has checks
 * or the entity is an Agent (`agent`), the governance panel unless it has
 * checks (requirements of aiPlatform.governance that apply); checks no panel takes (a category this
 * version does not know) go to a last "Other checks" panel.
 */
export function groupChecksIntoPanels(
  checks: ScorecardCheck[],
  options: { gpuEndpoint?: boolean; agent?: boolean } = {},
): Array<{ panel: ScorecardPanelDefinition; checks: ScorecardCheck[] }> {
  const byCheckSortKey = (a: ScorecardCheck, b: ScorecardCheck) =>
    checkSortKey(a.checkId).localeCompare(checkSortKey(b.checkId));
  // Whether a panel without checks is shown (the others always are).
  const shownWhenEmpty: Partial<Record<ScorecardPanelId, boolean>> = {
    efficiency: Boolean(options.gpuEndpoint),
    agent: Boolean(options.agent),
    governance: false,
  };
  const grouped = scorecardPanels
    .map(panel => ({
      panel,
      checks: checks
        .filter(check => panel.includes(check))
        .sort(byCheckSortKey),
    }))
    .filter(
      ({ panel, checks: panelChecks }) =>
        panelChecks.length > 0 || (shownWhenEmpty[panel.id] ?? true),
    );
  const others = checks.filter(
    check => !scorecardPanels.some(panel => panel.includes(check)),
  );
  return others.length > 0
    ? [...grouped, { panel: otherChecksPanel, checks: others }]
    : grouped;
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
  'spec-estimate': 'estimated from the spec',
  'entity-spec': 'from the entity spec',
};

/**
 * `from Prometheus` / `from gateway telemetry` / `estimated from the spec`
 * (`from eval results` for eval checks, which the built-in store keeps from
 * uploaded runs); `undefined` without a source.
 */
export function formatCheckSource(
  source: ScorecardCheckSource | undefined,
  category?: ScorecardCheck['category'],
): string | undefined {
  if (source === 'telemetry-store' && category === 'eval') {
    return 'from eval results';
  }
  if (source === 'telemetry-store' && category === 'agent') {
    return 'from agent spans';
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
  if (checkId === 'gpu-idle') return 'GPU utilisation (idle check)';
  if (checkId === 'saturation') return 'Saturation (KV cache)';
  if (checkId === 'agent-run-success') return 'Run success rate';
  if (checkId === 'agent-run-p95') return 'Run duration p95';
  if (checkId === 'agent-cost-per-run') return 'Average run cost';
  if (checkId === 'agent-tool-error-rate') return 'Tool error rate (worst tool)';
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
  if (checkId === 'ttft-p95' || checkId === 'agent-run-p95') {
    return formatMs(value);
  }
  if (checkId === 'agent-cost-per-run') return formatUsd(value);
  if (
    [
      'error-rate',
      'agent-run-success',
      'agent-tool-error-rate',
      ...EFFICIENCY_CHECK_IDS,
    ].includes(checkId)
  ) {
    return formatPercent(value);
  }
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
  if (checkId === 'gpu-idle') return `warn below ${formatted}`;
  if (checkId === 'saturation') return `warn above ${formatted}`;
  if (checkId.startsWith('eval:')) return `minimum ${formatted}`;
  if (checkId.startsWith('eval-regression:')) {
    return `largest allowed drop ${formatted}`;
  }
  if (checkId === 'ttft-p95' || checkId === 'error-rate') {
    return `SLO ${formatted}`;
  }
  return `threshold ${formatted}`;
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
