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

  // 4 calls × $0.25 = $1.00; 4 × (1,000 + 250) = 5,000 tokens.
  await expect(figure('Cost per 1,000 requests')).toContainText('$250.00');
  await expect(figure('Cost per 1,000 requests')).toContainText(
    '$1.00 over 4 requests',
  );
  await expect(figure('Cost per million tokens')).toContainText('$200.00');
  await expect(figure('Cost per million tokens')).toContainText('5,000 tokens');
  await expect(figure('TTFT p50')).toContainText('424 ms');
  await expect(figure('TTFT p50')).toContainText('4 streamed calls');
  await expect(figure('TTFT p95 (month to date)')).toContainText('424 ms');
  await expect(figure('Requests')).toContainText('4');
  await expect(figure('Requests')).toContainText('0 failed');
  // The checks: month-to-date spend against the $100 budget, TTFT p95 against the 1,000 ms SLO.
  await expect(figure('Month-to-date spend')).toContainText('$1.00');
  await expect(figure('TTFT p95')).toContainText('424 ms');
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
  await expect(row).toContainText('$1.00');
  await expect(row).toContainText('424 ms');
  await row.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/known-telemetry-ai-platform.png`,
  });

  await endpoint.remove();
});
