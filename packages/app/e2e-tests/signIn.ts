import { expect, Page } from '@playwright/test';

/**
 * Signs in as the demo guest and waits for the sidebar.
 *
 * The notifications backend shows a toast for each new notification (the demo's scorecard
 * run notifies the owners of failing checks, guest included) in the bottom-right corner,
 * where it can cover a form's Next or Create button. Like a user who closes it, the tests
 * hide the toasts whenever one is in the way of an action (Playwright's locator handler).
 */
export async function signInAsGuest(page: Page) {
  await page.addLocatorHandler(
    page.locator('.notistack-SnackbarContainer').first(),
    async container => {
      await container.evaluate(element => {
        (element as HTMLElement).style.display = 'none';
      });
    },
  );
  await page.goto('/');
  const enterButton = page.getByRole('button', { name: 'Enter' });
  await expect(enterButton).toBeVisible();
  await enterButton.click();
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}
