import { test, expect, Page, APIRequestContext } from '@playwright/test';
import { signInAsGuest } from './signIn';
// The page's own formatters, so API numbers are formatted exactly as shown.
// The page's own formatters, so the numbers compared are formatted exactly as shown.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  formatCheckValue,
  weakestEvalCheck,
} from '../../../plugins/ai-platform/src/components/EntityScorecard/scorecardDisplay';

// Playwright runs from the repository root; screenshots go to the git-ignored .artifacts/.
const screenshotDir = '.artifacts/e2e-screenshots';
const backendUrl =
  process.env.PLAYWRIGHT_BACKEND_URL ?? 'http://localhost:7007';
// The demo organisation's root group: its sub-groups own every demo agent
// and endpoint.
const groupRef = 'group:default/acme';

interface OwnerScorecardsResponse {
  groups: string[];
  items: Array<{
    entityRef: string;
    title: string;
    level: string | null;
    checks: Array<{
      checkId: string;
      category: 'slo' | 'budget' | 'eval';
      status:
        | 'pass'
        | 'warn'
        | 'fail'
        | 'not-enough-data'
        | 'source-unavailable';
      value: number | null;
      threshold: number | null;
      window: string;
      message: string;
    }>;
  }>;
}

async function guestToken(request: APIRequestContext): Promise<string> {
  const response = await request.get(`${backendUrl}/api/auth/guest/refresh`);
  expect(response.ok()).toBe(true);
  return (await response.json()).backstageIdentity.token;
}

async function getOwnerScorecards(
  request: APIRequestContext,
  token: string,
): Promise<OwnerScorecardsResponse> {
  const response = await request.get(
    `${backendUrl}/api/ai-platform/scorecards?owner=${encodeURIComponent(
      groupRef,
    )}`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  expect(response.status()).toBe(200);
  return (await response.json()) as OwnerScorecardsResponse;
}

type Item = OwnerScorecardsResponse['items'][number];

/** The cells the tab shows for an item, formatted as the page does. */
function expectedCells(item: Item) {
  const format = (check?: Item['checks'][number]) =>
    check ? formatCheckValue(check.checkId, check.value) : '—';
  return {
    spend: format(item.checks.find(c => c.checkId === 'budget-mtd')),
    ttft: format(item.checks.find(c => c.checkId === 'ttft-p95')),
    evalScore: format(weakestEvalCheck(item.checks)),
    failing: String(item.checks.filter(c => c.status === 'fail').length),
  };
}

function rowOf(page: Page, title: string) {
  return page
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: title, exact: true }) });
}

test("a group's AI scorecards tab lists what its sub-groups own with the API's numbers", async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const token = await guestToken(request);

  // Demo traffic runs for up to ~45 s after the portal starts: wait until
  // most owned entities have a spend value.
  await expect
    .poll(
      async () => {
        const { items } = await getOwnerScorecards(request, token);
        return items.filter(item =>
          item.checks.some(c => c.checkId === 'budget-mtd' && c.value),
        ).length;
      },
      { timeout: 120_000, intervals: [2_000] },
    )
    .toBeGreaterThanOrEqual(3);

  await signInAsGuest(page);

  // Compare right after the page's render; retry when a re-evaluation
  // landed in between.
  let scorecards!: OwnerScorecardsResponse;
  await expect(async () => {
    await page.goto('/catalog/default/group/acme/ai-scorecards');
    await expect(
      page.getByText(/^AI scorecards \(\d+ groups?\)$/),
    ).toBeVisible();
    scorecards = await getOwnerScorecards(request, token);
    // The loops over the items must not pass on an empty list.
    expect(scorecards.items.length).toBeGreaterThan(0);
    for (const item of scorecards.items) {
      const row = rowOf(page, item.title);
      const cells = row.getByRole('cell');
      const expected = expectedCells(item);
      await expect(cells.nth(4)).toContainText(expected.spend, {
        timeout: 1_000,
      });
      await expect(cells.nth(5)).toContainText(expected.ttft, {
        timeout: 1_000,
      });
      await expect(cells.nth(6)).toContainText(expected.evalScore, {
        timeout: 1_000,
      });
      await expect(cells.nth(7)).toHaveText(expected.failing, {
        timeout: 1_000,
      });
    }
  }).toPass({ timeout: 90_000 });

  await expect(
    page.getByText(`AI scorecards (${scorecards.groups.length} groups)`),
  ).toBeVisible();
  // Every owned entity is listed, with its level.
  await expect(page.getByRole('main').getByRole('row')).toHaveCount(
    scorecards.items.length + 1,
  );
  for (const item of scorecards.items) {
    await expect(
      rowOf(page, item.title).getByLabel(`Level: ${item.level ?? 'none'}`),
    ).toBeVisible();
  }
  await page.screenshot({
    path: `${screenshotDir}/group-scorecards-1280-light.png`,
    fullPage: true,
  });

  // Sorted by spend, descending: the API's spend values in that order.
  const spendOf = (item: Item) =>
    item.checks.find(c => c.checkId === 'budget-mtd')?.value ?? null;
  const bySpendDesc = [...scorecards.items]
    .filter(item => spendOf(item) !== null)
    .sort((a, b) => spendOf(b)! - spendOf(a)!)
    .map(item => item.title);
  // The sort label of the column header (the header is a drag handle too).
  const sortBySpend = page
    .locator('.MuiTableSortLabel-root')
    .filter({ hasText: 'Spend (month to date)' });
  await sortBySpend.click();
  await sortBySpend.click();
  const shownTitles = await page
    .getByRole('row')
    .getByRole('link')
    .allTextContents();
  expect(shownTitles.slice(0, bySpendDesc.length)).toEqual(bySpendDesc);

  // Only failing: the entities with at least one failing check.
  const failing = scorecards.items.filter(item =>
    item.checks.some(c => c.status === 'fail'),
  );
  // The demo data fails some checks on purpose (error rates, budgets): the filter has rows to show.
  expect(failing.length).toBeGreaterThan(0);
  await page.getByRole('checkbox', { name: /^Only failing/ }).check();
  await expect(page.getByRole('main').getByRole('row')).toHaveCount(
    Math.max(failing.length, 1) + 1,
  );
  for (const item of failing) {
    await expect(rowOf(page, item.title)).toBeVisible();
  }
  await page.getByRole('checkbox', { name: /^Only failing/ }).uncheck();

  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({
    path: `${screenshotDir}/group-scorecards-1920-light.png`,
    fullPage: true,
  });
  await page.evaluate(() => localStorage.setItem('theme', 'dark'));
  await page.reload();
  await expect(page.getByRole('main').getByRole('row')).toHaveCount(
    scorecards.items.length + 1,
  );
  await page.screenshot({
    path: `${screenshotDir}/group-scorecards-1920-dark.png`,
    fullPage: true,
  });
  await page.evaluate(() => localStorage.removeItem('theme'));
});
