import { test, expect, Page, APIRequestContext } from '@playwright/test';
import { signInAsGuest } from './signIn';
// The page's own formatters, so the numbers compared are formatted exactly as shown.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  checkLabel,
  formatCheckThreshold,
  formatCheckValue,
  formatMs,
} from '../../../plugins/ai-platform/src/components/EntityScorecard/scorecardDisplay';

// Playwright runs from the repository root; screenshots go to the git-ignored .artifacts/.
const screenshotDir = '.artifacts/e2e-screenshots';
const backendUrl =
  process.env.PLAYWRIGHT_BACKEND_URL ?? 'http://localhost:7007';
const agentPath = 'agent/default/support-triage-agent';

interface ScorecardResponse {
  level: string | null;
  evaluatedAt: string | null;
  checks: Array<{
    checkId: string;
    status: string;
    value: number | null;
    threshold: number | null;
    window: string;
    message: string;
  }>;
}

interface TimeseriesResponse {
  points: Array<{ start: string; value: number | null }>;
}

/** A guest user token for reading the backend API directly. */
async function guestToken(request: APIRequestContext): Promise<string> {
  const response = await request.get(`${backendUrl}/api/auth/guest/refresh`);
  expect(response.ok()).toBe(true);
  return (await response.json()).backstageIdentity.token;
}

async function getJson<T>(
  request: APIRequestContext,
  token: string,
  path: string,
): Promise<T> {
  const response = await request.get(`${backendUrl}/api/ai-platform${path}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(response.status(), `GET ${path}`).toBe(200);
  return (await response.json()) as T;
}

test('an agent scorecard tab shows the numbers the backend API returns', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const token = await guestToken(request);

  // Demo traffic runs for up to ~45 s after the portal starts: wait until the
  // scorecard has a TTFT p95 value and an eval score.
  await expect
    .poll(
      async () => {
        const scorecard = await getJson<ScorecardResponse>(
          request,
          token,
          `/scorecards/by-entity/${agentPath}`,
        );
        return scorecard.checks
          .filter(
            check =>
              (check.checkId === 'ttft-p95' ||
                check.checkId.startsWith('eval:')) &&
              check.value !== null,
          )
          .map(check => check.checkId.split(':')[0])
          .sort()
          .join(',');
      },
      { timeout: 120_000, intervals: [2_000] },
    )
    .toBe('eval,ttft-p95');

  await signInAsGuest(page);
  const aiPlatformRequests: string[] = [];
  page.on('request', req => {
    if (req.url().includes('/api/ai-platform/')) {
      aiPlatformRequests.push(req.url());
    }
  });

  // Scorecards are re-evaluated while demo traffic flows: compare with the
  // API right after the page's render, and retry when an evaluation landed
  // in between (the page shows when it was evaluated).
  let scorecard!: ScorecardResponse;
  await expect(async () => {
    aiPlatformRequests.length = 0;
    await page.goto(`/catalog/default/agent/support-triage-agent/scorecard`);
    await expect(page.getByLabel(/^Level: /)).toBeVisible();
    await expect(page.getByText('TTFT p95 per hour')).toBeVisible();
    scorecard = await getJson<ScorecardResponse>(
      request,
      token,
      `/scorecards/by-entity/${agentPath}`,
    );
    const evaluatedAt = await page.evaluate(
      iso => new Date(iso).toLocaleString(),
      scorecard.evaluatedAt!,
    );
    await expect(page.getByText(`Evaluated ${evaluatedAt}`)).toBeVisible({
      timeout: 1_000,
    });
  }).toPass({ timeout: 90_000 });

  // The tab makes three requests: the scorecard, the TTFT series and, for
  // an Agent, its runs and tools (agent-runs.test.ts checks that panel).
  expect(aiPlatformRequests).toHaveLength(3);

  await expect(page.getByLabel(/^Level: /)).toHaveAttribute(
    'aria-label',
    `Level: ${scorecard.level ?? 'none'}`,
  );
  const panels: Record<string, string> = {
    'budget-': 'Cost panel',
    'ttft-': 'TTFT panel',
    eval: 'Evals panel',
    'error-': 'Reliability panel',
    'agent-': 'Runs and tools panel',
    'governance:': 'Governance panel',
  };
  // The loop below checks every check the API returns: it must not pass on an empty list.
  expect(scorecard.checks.length).toBeGreaterThan(0);
  for (const check of scorecard.checks) {
    const panelName = Object.entries(panels).find(([prefix]) =>
      check.checkId.startsWith(prefix),
    )![1];
    const shown = page
      .getByRole('region', { name: panelName })
      .getByRole('group', { name: checkLabel(check.checkId), exact: true });
    await expect(shown).toContainText(
      formatCheckValue(check.checkId, check.value),
    );
    await expect(shown).toContainText(
      `${formatCheckThreshold(check.checkId, check.threshold)} · window ${
        check.window
      }`,
    );
    await expect(shown).toContainText(check.message);
  }

  // The TTFT trend: the latest hour with samples, as the API returns it.
  const timeseries = await getJson<TimeseriesResponse>(
    request,
    token,
    `/timeseries/by-entity/${agentPath}?metric=ttft_p95_ms&window=7d&step=1h`,
  );
  const withData = timeseries.points.filter(point => point.value !== null);
  expect(withData.length).toBeGreaterThan(0);
  const ttftCheck = scorecard.checks.find(c => c.checkId === 'ttft-p95')!;
  const trend = page.getByRole('figure', {
    name: `TTFT p95 per hour: ${withData.length} hour${
      withData.length === 1 ? '' : 's'
    } with samples, latest ${formatMs(
      withData[withData.length - 1].value!,
    )}, SLO ${formatMs(ttftCheck.threshold!)}`,
  });
  await expect(trend).toBeVisible();
  // Hours with data are drawn with visible marks, even a single one.
  await expect(trend.locator('.MuiMarkElement-root').first()).toBeVisible();
  await expect(
    trend.getByText(`SLO ${formatMs(ttftCheck.threshold!)}`),
  ).toBeVisible();

  await page.screenshot({
    path: `${screenshotDir}/agent-scorecard-1280-light.png`,
    fullPage: true,
  });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await expect(trend.locator('.MuiMarkElement-root').first()).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/agent-scorecard-1920-light.png`,
    fullPage: true,
  });

  // Dark theme (the theme the settings page stores).
  await page.evaluate(() => localStorage.setItem('theme', 'dark'));
  await page.reload();
  await expect(trend).toBeVisible();
  await expect(trend.locator('.MuiMarkElement-root').first()).toBeVisible();
  const background = await page
    .getByRole('region', { name: 'TTFT panel' })
    .evaluate(el => {
      let node: HTMLElement | null = el;
      while (node) {
        const color = getComputedStyle(node).backgroundColor;
        if (color !== 'rgba(0, 0, 0, 0)') return color;
        node = node.parentElement;
      }
      return '';
    });
  // A dark card background: every channel below 100.
  const channels = background.match(/\d+/g)!.slice(0, 3).map(Number);
  expect(Math.max(...channels)).toBeLessThan(100);
  await page.screenshot({
    path: `${screenshotDir}/agent-scorecard-1920-dark.png`,
    fullPage: true,
  });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({
    path: `${screenshotDir}/agent-scorecard-1280-dark.png`,
    fullPage: true,
  });
  await page.evaluate(() => localStorage.removeItem('theme'));
});

test('the scorecard tab states (empty, error, permission denied) are readable in light and dark theme', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signInAsGuest(page);
  const scorecardUrl = `**/api/ai-platform/scorecards/by-entity/${agentPath}`;
  const states: Array<{
    name: string;
    status: number;
    body: unknown;
    expectText: string | RegExp;
  }> = [
    {
      name: 'empty',
      status: 200,
      body: {
        entityRef: 'agent:default/support-triage-agent',
        level: null,
        evaluatedAt: null,
        checks: [],
        history: [],
      },
      expectText: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${backendUrl}/api/ai-platform/v1/traces`,
    },
    {
      name: 'permission-denied',
      status: 403,
      body: {
        error: {
          name: 'NotAllowedError',
          message:
            'Not allowed to read the telemetry of agent:default/support-triage-agent',
        },
        response: { statusCode: 403 },
      },
      expectText: /ai-platform\.telemetry\.read permission/,
    },
    {
      name: 'error',
      status: 500,
      body: {
        error: { name: 'Error', message: 'database unreachable' },
        response: { statusCode: 500 },
      },
      expectText: 'Request failed with 500 Internal Server Error',
    },
  ];
  for (const theme of ['light', 'dark']) {
    await page.evaluate(t => localStorage.setItem('theme', t), theme);
    for (const state of states) {
      // Only this response is replaced; everything else is the live portal.
      await page.route(scorecardUrl, route =>
        route.fulfill({
          status: state.status,
          contentType: 'application/json',
          body: JSON.stringify(state.body),
        }),
      );
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto('/catalog/default/agent/support-triage-agent/scorecard');
      await expect(page.getByText(state.expectText).first()).toBeVisible();
      await page.screenshot({
        path: `${screenshotDir}/agent-scorecard-${state.name}-1280-${theme}.png`,
        fullPage: true,
      });
      await page.setViewportSize({ width: 1920, height: 1080 });
      await expect(page.getByText(state.expectText).first()).toBeVisible();
      await page.screenshot({
        path: `${screenshotDir}/agent-scorecard-${state.name}-1920-${theme}.png`,
        fullPage: true,
      });
      await page.unroute(scorecardUrl);
    }
  }
  await page.evaluate(() => localStorage.removeItem('theme'));
});
