import { test, expect } from '@playwright/test';

// Playwright runs from the repository root; screenshots go to the git-ignored .artifacts/.
const screenshotDir = '.artifacts/screenshots';

// @postgres: also run against `start --postgres` by `scripts/portal test`.
test('a guest signs in and sees the demo catalog @postgres', async ({
  page,
}) => {
  await page.goto('/');

  // Guest sign-in
  const enterButton = page.getByRole('button', { name: 'Enter' });
  await expect(enterButton).toBeVisible();
  await enterButton.click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  const catalogLink = nav.getByRole('link', { name: 'Catalog', exact: true });
  await expect(catalogLink).toBeVisible();
  await catalogLink.click();

  // The catalog index lists the demo data registered from examples/.
  const catalogUrl = new URL(page.url());
  catalogUrl.searchParams.set('filters[kind]', 'system');
  // "All", not the default "Owned": the guest's team owns only one of the systems.
  catalogUrl.searchParams.set('filters[user]', 'all');
  await page.goto(catalogUrl.toString());
  await expect(
    page.getByRole('link', { name: 'Support Assistant' }),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Engineering Copilots' }),
  ).toBeVisible();

  await page.screenshot({
    path: `${screenshotDir}/catalog.png`,
    fullPage: true,
  });
});
