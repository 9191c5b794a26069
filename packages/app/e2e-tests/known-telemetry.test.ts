import { test, expect, Page } from '@playwright/test';
import {
  backendUrl,
  guestToken,
  postLiteLlmCalls,
  registerTestEndpoint,
} from './telemetryEntity';

// Telemetry with known cost, tokens and TTFT for an endpoint of this run only; the Scorecard
// tab and the AI Platform page must show exactly these numbers. The expected strings are
// written out by hand, not formatted with the page's own formatters.
const screenshotDir = '.artifacts/e2e-screenshots';

const CALLS = 4;
const INPUT_TOKENS = 1_000;
const OUTPUT_TOKENS = 250;
const COST_USD = 0.25;
// A TTFT the store's sketch (1 % relative accuracy) represents as itself when rounded to the
// millisecond: every call has it, so p50 and p95 are 424 ms.
const TTFT_MS = 424;

async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enterButton = page.getByRole('button', { name: 'Enter' });
  await expect(enterButton).toBeVisible();
  await enterButton.click();
  await expect(
    page.getByRole('navigation', { name: 'sidebar nav' }).getByRole('link', {
      name: 'Catalog',
      exact: true,
    }),
  ).toBeVisible();
}

test('the Scorecard tab and the AI Platform page show the cost, tokens and TTFT that were sent', async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  const token = await guestToken(request);
  const endpoint = await registerTestEndpoint(request, token, 'e2e-known');

  const nowS = Date.now() / 1000;
  const answer = await postLiteLlmCalls(
    request,
    Array.from({ length: CALLS }, (_, i) => ({
      id: `${endpoint.name}-call-${i}`,
      alias: endpoint.alias,
      startTimeS: nowS - 10 - i,
      ttftMs: TTFT_MS,
      latencyMs: 1_500,
      inputTokens: INPUT_TOKENS,
      outputTokens: OUTPUT_TOKENS,
      costUsd: COST_USD,
    })),
  );
  expect(answer).toMatchObject({ accepted: CALLS });

  // Evaluate now rather than waiting for the scheduled evaluation.
  const evaluated = await request.post(
    `${backendUrl}/api/ai-platform/scorecards/by-entity/modelendpoint/default/${endpoint.name}/evaluate`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  expect(evaluated.status(), await evaluated.text()).toBe(200);

  await signInAsGuest(page);
  await page.goto(`/catalog/default/modelendpoint/${endpoint.name}/scorecard`);
  const figure = (label: string) =>
    page.getByRole('group', { name: label, exact: true });

  /** A key figure's value (its paragraph) and its caption. */
  const expectFigure = async (
    label: string,
    value: string,
    caption: string,
  ) => {
    await expect(figure(label).getByRole('paragraph')).toHaveText(value);
    await expect(figure(label)).toContainText(caption);
  };

  // 4 calls × $0.25 = $1 at the gateway's price (a managed endpoint); $1 / 4 × 1,000 = $250 per
  // 1,000 requests; 4 × 250 = 1,000 output tokens, $1 / 1,000 × 1,000,000 = $1,000 per million
  // output tokens.
  await expectFigure(
    'Cost per 1,000 requests',
    '$250 / 1,000 requests',
    '$1 over 4 requests',
  );
  await expectFigure(
    'Cost per million output tokens',
    '$1,000 / M output tokens',
    '$1 over 1,000 output tokens',
  );
  await expectFigure('TTFT p50', '424 ms', '4 streamed calls');
  await expectFigure('TTFT p95 (month to date)', '424 ms', 'SLO 1,000 ms');
  await expectFigure('Requests', '4', '0 failed');
  await expectFigure('Error rate (month to date)', '0 %', 'month-to-date');
  // The checks against the entity's budget ($100) and TTFT SLO (1,000 ms).
  await expect(figure('Month-to-date spend')).toContainText(
    '$1 from gateway telemetry · budget $100',
  );
  await expect(figure('Month-to-date spend')).toContainText(
    'Spent 1.00 USD this month (UTC) of a 100 USD budget',
  );
  await expect(figure('TTFT p95')).toContainText(
    '424 ms from gateway telemetry · SLO 1,000 ms · window 24h',
  );
  await expect(
    page.getByRole('figure', {
      name: 'TTFT p95 per hour: 1 hour with samples, latest 424 ms, SLO 1,000 ms',
    }),
  ).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/known-telemetry-scorecard.png`,
    fullPage: true,
  });

  // The AI Platform page: the endpoint's row in the fleet table.
  await page.goto('/ai-platform');
  const row = page
    .getByRole('link', { name: endpoint.title, exact: true })
    .first()
    .locator('xpath=ancestor::tr');
  // Spend MTD and TTFT p95 (the latest scorecard's 24 h check; 4 calls are too few to judge).
  // The spend cell says where the figure came from: the gateway's per-call cost.
  await expect(
    row.getByRole('cell', { name: /^\$1\.00\s?gateway$/ }),
  ).toBeVisible();
  await expect(
    row.getByRole('cell', { name: '424 ms (not-enough-data)', exact: true }),
  ).toBeVisible();
  await row.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/known-telemetry-ai-platform.png`,
  });

  await endpoint.remove();
});
