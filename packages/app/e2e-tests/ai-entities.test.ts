import { test, expect, Page } from '@playwright/test';
import { signInAsGuest } from './signIn';

// Playwright runs from the repository root; screenshots go to the git-ignored .artifacts/.
const screenshotDir = '.artifacts/screenshots';

/** A labelled value of an AI platform overview card (a `group` named by its label). */
function field(page: Page, label: string) {
  return page.getByRole('group', { name: label, exact: true });
}

test('the Agent page shows its overview and links to its model endpoints and tools', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/agent/support-triage-agent');

  // Agent overview card (entity-card:ai-platform/agent-overview)
  await expect(page.getByText('Agent', { exact: true }).first()).toBeVisible();
  await expect(field(page, 'Autonomy level')).toContainText(
    'L3 · Recommends, humans approve',
  );
  await expect(field(page, 'Autonomy level')).toContainText(
    'carries them out only after a person approves each one',
  );
  await expect(field(page, 'Audience')).toHaveText(/Product/);
  await expect(field(page, 'Human in the loop')).toHaveText(/Yes/);
  await expect(field(page, 'Risk tier')).toHaveText(/Limited/);
  await expect(field(page, 'Gateway agent id')).toHaveText(/support-triage/);
  await expect(field(page, 'Monthly budget')).toHaveText(/\$4,000/);
  await expect(field(page, 'Evals')).toContainText(
    'triage-routing-accuracy · min score 0.9',
  );
  await expect(field(page, 'Data classification')).toHaveText(/confidential/);

  // Models and tools card (entity-card:ai-platform/agent-dependencies): links, not plain text
  const models = page.getByRole('table', { name: 'Model endpoints' });
  const claudeLink = models.getByRole('link', { name: /Claude Sonnet 4\.5/ });
  await expect(claudeLink).toBeVisible();
  await expect(claudeLink).toHaveAttribute(
    'href',
    '/catalog/default/modelendpoint/claude-sonnet',
  );
  await expect(claudeLink.locator('xpath=ancestor::tr')).toContainText(
    'Managed · anthropic',
  );
  await expect(
    models.getByRole('link', { name: /BGE-M3 embeddings/ }),
  ).toBeVisible();
  const tools = page.getByRole('table', { name: 'Tools' });
  const zendeskLink = tools.getByRole('link', { name: /Zendesk MCP server/ });
  await expect(zendeskLink).toHaveAttribute(
    'href',
    '/catalog/default/api/zendesk-mcp',
  );
  await expect(zendeskLink.locator('xpath=ancestor::tr')).toContainText(
    'mcp-server',
  );

  // The generic About card and the catalog graph card are on the page too.
  await expect(page.getByText('About', { exact: true })).toBeVisible();
  await expect(page.getByText('Relations', { exact: true })).toBeVisible();

  await page.screenshot({
    path: `${screenshotDir}/agent-page.png`,
    fullPage: true,
  });

  // Following the model endpoint link opens its entity page.
  await claudeLink.click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/modelendpoint\/claude-sonnet$/,
  );
  await expect(field(page, 'Provider')).toHaveText(/anthropic/);
});

test('the ModelEndpoint page shows its overview and the agents that use it', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/modelendpoint/claude-sonnet');

  // Model endpoint overview card (entity-card:ai-platform/model-endpoint-overview)
  await expect(field(page, 'Model')).toHaveText(/claude-sonnet-4-5/);
  await expect(field(page, 'Serving')).toHaveText(/Managed/);
  await expect(field(page, 'Provider')).toHaveText(/anthropic/);
  await expect(field(page, 'Gateway alias')).toHaveText(/claude-sonnet/);
  await expect(field(page, 'TTFT p95 SLO')).toHaveText(/1500 ms/);
  await expect(field(page, 'Error rate SLO')).toHaveText(/1 %/);
  await expect(field(page, 'Monthly budget')).toHaveText(/\$8,000/);
  await expect(field(page, 'Pricing')).toContainText(
    '$3 / 1M input tokens · $15 / 1M output tokens',
  );
  await expect(field(page, 'Data classification')).toHaveText(/confidential/);

  // Agents card (entity-card:ai-platform/model-endpoint-agents): each agent is a link.
  const agents = page.getByRole('table', {
    name: 'Agents using this model endpoint',
  });
  const triageLink = agents.getByRole('link', {
    name: /Support triage agent/,
  });
  await expect(triageLink).toHaveAttribute(
    'href',
    '/catalog/default/agent/support-triage-agent',
  );
  await expect(triageLink.locator('xpath=ancestor::tr')).toContainText(
    'L3 · Recommends, humans approve',
  );

  await page.screenshot({
    path: `${screenshotDir}/model-endpoint-page.png`,
    fullPage: true,
  });

  await triageLink.click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/agent\/support-triage-agent$/,
  );
  await expect(field(page, 'Gateway agent id')).toHaveText(/support-triage/);
});
