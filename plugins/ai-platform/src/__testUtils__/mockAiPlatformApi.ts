import { ResponseError } from '@backstage/errors';
import { AiPlatformApi, EntityScorecard, TelemetryTimeseries } from '../api';

// Responses shaped like the ai-platform backend's
// (plugins/ai-platform-backend/src/service/scorecardRouter.ts).

export const supportTriageScorecard: EntityScorecard = {
  entityRef: 'agent:default/support-triage-agent',
  level: 'bronze',
  evaluatedAt: '2026-11-23T10:00:00.000Z',
  checks: [
    {
      checkId: 'error-rate',
      category: 'slo',
      status: 'warn',
      value: 9.09,
      threshold: 8,
      window: '24h',
      message:
        '2 of 22 requests failed in the last 24 h (9.09%); the SLO is 8%',
    },
    {
      checkId: 'ttft-p95',
      category: 'slo',
      status: 'fail',
      value: 812.4,
      threshold: 600,
      window: '24h',
      message:
        'TTFT p95 was 812 ms over 140 streamed requests; the SLO is 600 ms',
    },
    {
      checkId: 'budget-mtd',
      category: 'budget',
      status: 'pass',
      value: 1234.5,
      threshold: 3000,
      window: 'month-to-date',
      message: '$1,234.50 spent this month of a $3,000 budget',
    },
    {
      checkId: 'budget-forecast',
      category: 'budget',
      status: 'warn',
      value: 3400,
      threshold: 3000,
      window: 'month-to-date',
      message: 'At this rate the month ends at $3,400, over the $3,000 budget',
    },
    {
      checkId: 'eval:helpfulness',
      category: 'eval',
      status: 'pass',
      value: 0.91,
      threshold: 0.8,
      window: 'latest-run',
      message: 'helpfulness v2 scored 0.91 (minimum 0.8)',
    },
    {
      checkId: 'eval:safety',
      category: 'eval',
      status: 'fail',
      value: 0.62,
      threshold: 0.75,
      window: 'latest-run',
      message: 'safety v3 scored 0.62, below the minimum 0.75',
    },
    {
      checkId: 'eval-regression:safety',
      category: 'eval',
      status: 'fail',
      value: 0.12,
      threshold: 0.05,
      window: 'latest-run',
      message: 'safety v3 dropped by 0.12 since the previous run',
    },
  ],
  history: [
    {
      evaluatedAt: '2026-11-23T10:00:00.000Z',
      level: 'bronze',
      counts: { pass: 2, warn: 2, fail: 3, 'not-enough-data': 0 },
      checks: [
        { checkId: 'ttft-p95', status: 'fail' },
        { checkId: 'error-rate', status: 'warn' },
      ],
    },
    {
      evaluatedAt: '2026-11-23T09:50:00.000Z',
      level: 'silver',
      counts: { pass: 1, warn: 1, fail: 0, 'not-enough-data': 0 },
      checks: [
        { checkId: 'ttft-p95', status: 'warn' },
        { checkId: 'error-rate', status: 'pass' },
      ],
    },
    {
      evaluatedAt: '2026-11-23T09:40:00.000Z',
      level: 'gold',
      counts: { pass: 2, warn: 0, fail: 0, 'not-enough-data': 0 },
      checks: [
        { checkId: 'ttft-p95', status: 'pass' },
        { checkId: 'error-rate', status: 'not-enough-data' },
      ],
    },
  ],
};

export const ttftTimeseries: TelemetryTimeseries = {
  entityRef: 'agent:default/support-triage-agent',
  metric: 'ttft_p95_ms',
  step: '1d',
  window: {
    from: '2026-11-21T00:00:00.000Z',
    to: '2026-11-24T00:00:00.000Z',
  },
  points: [
    { start: '2026-11-21T00:00:00.000Z', value: 420 },
    { start: '2026-11-22T00:00:00.000Z', value: null },
    { start: '2026-11-23T00:00:00.000Z', value: 812.4 },
  ],
};

/** A ResponseError like the fetch of a backend error response gives. */
export async function backendResponseError(
  statusCode: number,
  message: string,
): Promise<ResponseError> {
  const body = JSON.stringify({
    error: {
      name: statusCode === 403 ? 'NotAllowedError' : 'Error',
      message,
    },
    response: { statusCode },
  });
  return ResponseError.fromResponse({
    ok: false,
    status: statusCode,
    statusText: statusCode === 403 ? 'Forbidden' : 'Internal Server Error',
    url: 'http://localhost:7007/api/ai-platform',
    headers: new Headers({ 'content-type': 'application/json' }),
    text: async () => body,
  } as unknown as Response);
}

/**
 * An AiPlatformApi whose methods are jest mocks: `overrides`, else answers
 * with the fixtures above.
 */
export function createMockAiPlatformApi(
  overrides: Partial<AiPlatformApi> = {},
) {
  return {
    getEntityScorecard: jest.fn<
      ReturnType<AiPlatformApi['getEntityScorecard']>,
      Parameters<AiPlatformApi['getEntityScorecard']>
    >(overrides.getEntityScorecard ?? (async () => supportTriageScorecard)),
    getOwnerScorecards: jest.fn<
      ReturnType<AiPlatformApi['getOwnerScorecards']>,
      Parameters<AiPlatformApi['getOwnerScorecards']>
    >(
      overrides.getOwnerScorecards ??
        (async () => ({
          owner: 'group:default/customer-support',
          groups: ['group:default/customer-support'],
          items: [],
        })),
    ),
    getEntityTimeseries: jest.fn<
      ReturnType<AiPlatformApi['getEntityTimeseries']>,
      Parameters<AiPlatformApi['getEntityTimeseries']>
    >(overrides.getEntityTimeseries ?? (async () => ttftTimeseries)),
  } satisfies AiPlatformApi;
}

/** The number of requests the mock has answered. */
export function requestCount(api: ReturnType<typeof createMockAiPlatformApi>) {
  return (
    api.getEntityScorecard.mock.calls.length +
    api.getOwnerScorecards.mock.calls.length +
    api.getEntityTimeseries.mock.calls.length
  );
}
