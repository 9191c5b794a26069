import { test, expect, Page, APIRequestContext } from '@playwright/test';
import { signInAsGuest } from './signIn';

// Playwright runs from the repository root; screenshots go to the git-ignored .artifacts/.
const screenshotDir = '.artifacts/e2e-screenshots';
const backendUrl =
  process.env.PLAYWRIGHT_BACKEND_URL ?? 'http://localhost:7007';

async function guestToken(request: APIRequestContext): Promise<string> {
  const response = await request.get(`${backendUrl}/api/auth/guest/refresh`);
  expect(response.ok()).toBe(true);
  return (await response.json()).backstageIdentity.token;
}

/** Runs templates/agent as the guest through the scaffolder API and waits for the end. */
async function runAgentTemplate(
  request: APIRequestContext,
  token: string,
  values: Record<string, unknown>,
) {
  const headers = { Authorization: `Bearer ${token}` };
  const created = await request.post(`${backendUrl}/api/scaffolder/v2/tasks`, {
    headers,
    data: { templateRef: 'template:default/agent', values },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = await created.json();
  for (let i = 0; i < 240; i++) {
    const task = await (
      await request.get(`${backendUrl}/api/scaffolder/v2/tasks/${id}`, {
        headers,
      })
    ).json();
    if (['completed', 'failed', 'cancelled'].includes(task.status)) {
      expect(task.status).toBe('completed');
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  throw new Error(`task ${id} did not finish`);
}

const agentValues = (
  name: string,
  autonomyLevel: string,
  riskTier: string,
) => ({
  name,
  description: 'Resolves refund requests.',
  owner: 'group:default/ml-platform',
  type: 'assistant',
  audience: 'internal-tool',
  models: ['modelendpoint:default/claude-sonnet'],
  tools: [],
  gatewayBaseUrl: 'http://localhost:4000/v1',
  apiKeyEnvVar: 'AI_GATEWAY_API_KEY',
  portalUrl: 'http://localhost:7007',
  autonomyLevel,
  humanInTheLoop: true,
  riskTier,
  dataClassification: 'internal',
  evalMinScore: 0.9,
  ttftP95Ms: 2000,
  monthlyBudgetUsd: 500,
});

test('approval gate: an L4 agent waits in Pending approvals, the requester cannot approve it, a rejection keeps it out of the catalog; a committed agent shows its audit history', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const token = await guestToken(request);
  await runAgentTemplate(
    request,
    token,
    agentValues('e2e-refund-resolver', 'L4', 'high'),
  );
  const listed = await (
    await request.get(`${backendUrl}/api/ai-platform/approvals`, {
      headers: { Authorization: `Bearer ${token}` },
    })
  ).json();
  const proposal = listed.items.find(
    (a: { entityRef: string }) =>
      a.entityRef === 'agent:default/e2e-refund-resolver',
  );
  expect(proposal).toBeTruthy();

  await signInAsGuest(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`/ai-platform?approval=${proposal.id}`);
  const item = page.getByTestId(`approval-${proposal.id}`);
  await expect(item).toBeVisible({ timeout: 30_000 });
  await expect(
    item.getByRole('heading', { name: 'agent:default/e2e-refund-resolver' }),
  ).toBeVisible();
  await expect(item.getByText('user:default/guest')).toBeVisible();
  await expect(item.getByLabel('Proposed change')).toContainText(
    'autonomyLevel: L4',
  );
  await item.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/approvals-pending-1280-light.png`,
    fullPage: true,
  });

  // The guest requested it: approving is refused with the backend's reason.
  await item.getByRole('button', { name: 'Approve' }).click();
  await expect(
    item.getByText(/You requested this change, so you cannot approve it/),
  ).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/approvals-self-approval-refused-1280-light.png`,
    fullPage: true,
  });

  await item.getByLabel('Reason to reject').fill('Needs a risk review first');
  await item.getByRole('button', { name: 'Reject' }).click();
  await expect(item).toHaveCount(0, { timeout: 30_000 });

  // An L2 agent needs no approval: committed, synced to the catalog, audited.
  await runAgentTemplate(
    request,
    token,
    agentValues('e2e-faq-helper', 'L2', 'limited'),
  );
  await page.goto('/catalog/default/agent/e2e-faq-helper');
  const audit = page.getByRole('table', { name: 'Audit history' });
  await expect(async () => {
    await page.reload();
    await expect(audit).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  await expect(audit.getByText('Committed')).toBeVisible();
  await audit.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/approvals-audit-history-1280-light.png`,
    fullPage: true,
  });
});
