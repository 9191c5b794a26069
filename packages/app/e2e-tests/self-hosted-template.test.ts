import { test, expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { signInAsGuest } from './signIn';
import { backendUrl, guestToken, postLiteLlmCalls } from './telemetryEntity';

// Playwright runs from the repository root; screenshots go to the git-ignored .artifacts/.
const screenshotDir = '.artifacts/screenshots';

// A fixed name: a rerun re-plans the same endpoint (the plan does not count it against the
// team's GPU quota twice) and the GitOps commit step finds the files already committed.
const ENDPOINT_NAME = 'e2e-llama-8b-chat';
// The data folder of the portal the browser tests start (see scripts/portal).
const E2E_DATA_DIR = process.env.AI_PLATFORM_DATA_DIR ?? '.artifacts/e2e-data';
const FITS_ON_L4 =
  'fits: 15.0 GiB weights + 1.0 GiB KV + 2.0 GiB overhead ≤ 20.7 GiB usable';

// The second test changes the endpoint the first one created: they run in order, and the
// second does not run when the first failed.
test.describe.configure({ mode: 'serial' });

/** Picks an option of a MUI select (the AI platform fields) by its label. */
async function choose(page: Page, label: string, option: string | RegExp) {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option }).click();
}

test('the self-hosted endpoint template previews the fit and cost, then registers the endpoint', async ({
  page,
}) => {
  test.setTimeout(150_000);
  await signInAsGuest(page);

  await page.goto('/create');
  const title = page
    .getByText('Self-hosted LLM endpoint on a GPU cluster', { exact: true })
    .first();
  await expect(title).toBeVisible();
  // The nearest element around the title that holds one Choose button is its card.
  const card = title.locator(
    'xpath=ancestor::*[count(.//button[@data-testid="template-card-actions--create"]) = 1][1]',
  );
  await card.getByRole('button', { name: 'Choose' }).click();

  // Step 1: Endpoint
  // The form mounts again once the scaffolder has loaded what the template's fields fetch,
  // which empties what was typed: wait until no request is in flight (the form that stays),
  // then type; retype only if the form was replaced all the same (bounded by the deadline).
  const name = page.getByRole('textbox', { name: 'Name' });
  await expect(async () => {
    await page.waitForLoadState('networkidle', { timeout: 10_000 });
    if ((await name.inputValue()) !== ENDPOINT_NAME) {
      await name.fill(ENDPOINT_NAME);
      await page.waitForLoadState('networkidle', { timeout: 10_000 });
    }
    await expect(name).toHaveValue(ENDPOINT_NAME, { timeout: 500 });
  }).toPass({ timeout: 30_000 });
  const owner = page.getByRole('textbox', { name: 'Owner' });
  await owner.click();
  await owner.pressSequentially('ml', { delay: 50 });
  await page
    .getByRole('option', { name: /ml.platform/i })
    .first()
    .click();
  // Next, until step 2 shows (a click can be lost while the form re-renders or a toast is
  // being hidden on a loaded machine; seen once).
  const modelField = page.getByRole('combobox', { name: 'Model' });
  await expect(async () => {
    if (!(await modelField.isVisible())) {
      await page.getByRole('button', { name: 'Next' }).click();
    }
    await expect(modelField).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 45_000 });

  // Step 2: Model and GPU. The model picker offers the models approved for internal data.
  await choose(page, 'Model', 'meta-llama/Llama-3.1-8B-Instruct');
  await expect(
    page.getByText('8.03 B parameters · chat · llama3.1 licence'),
  ).toBeVisible();
  await choose(page, 'GPU profile', /NVIDIA L4 24GB/);

  // The live preview, from the backend's plan logic.
  await expect(page.getByText(FITS_ON_L4)).toBeVisible();
  await expect(page.getByText(/Monthly cost estimate:/)).toContainText(
    '584.00 USD/month at 1 replica',
  );
  await page.screenshot({
    path: `${screenshotDir}/self-hosted-template-fit-preview.png`,
    fullPage: true,
  });

  // A context the L4 cannot hold: the preview says why and the step does not advance.
  await page
    .getByRole('button', { name: /^Context length \(tokens\)/ })
    .click();
  await page.getByRole('option', { name: '131072' }).click();
  await expect(
    page.getByText(
      'does not fit: 15.0 GiB weights + 16.0 GiB KV + 2.0 GiB overhead = 33.0 GiB > 20.7 GiB usable',
    ),
  ).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/self-hosted-template-does-not-fit.png`,
    fullPage: true,
  });
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(
    page.getByText(/at this context at most \d+ sequence\(s\) fit/).first(),
  ).toBeVisible();
  await expect(
    page.getByRole('combobox', { name: 'GPU profile' }),
  ).toBeVisible();

  // Back to a context that fits.
  await page
    .getByRole('button', { name: /^Context length \(tokens\)/ })
    .click();
  await page.getByRole('option', { name: '8192' }).click();
  await expect(page.getByText(FITS_ON_L4)).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();

  // Step 3: Scaling and budget (defaults: 1 to 2 replicas), then review.
  await expect(
    page.getByRole('spinbutton', { name: 'Maximum replicas' }),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(
    page.getByText('meta-llama/Llama-3.1-8B-Instruct'),
  ).toBeVisible();
  await expect(page.getByText('l4-24gb')).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/self-hosted-template-review.png`,
    fullPage: true,
  });

  // Run it: plan, render, commit, then the catalog registers the new ModelEndpoint.
  await page.getByRole('button', { name: 'Create' }).click();
  const entityLink = page.getByRole('link', {
    name: 'Open the new model endpoint in the catalog',
  });
  await expect(entityLink).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText(FITS_ON_L4).first()).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/self-hosted-template-task.png`,
    fullPage: true,
  });

  // The catalog reads the GitOps repository every few seconds: reload until the entity is in.
  await entityLink.click();
  await expect(async () => {
    await page.reload();
    await expect(
      page.getByText('meta-llama/Llama-3.1-8B-Instruct').first(),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  expect(page.url()).toContain(`/modelendpoint/${ENDPOINT_NAME}`);
  await page.screenshot({
    path: `${screenshotDir}/self-hosted-template-new-endpoint.png`,
    fullPage: true,
  });
});

/** Opens a template of the /create page by its title. */
async function chooseTemplate(page: Page, templateTitle: string) {
  await page.goto('/create');
  const title = page.getByText(templateTitle, { exact: true }).first();
  await expect(title).toBeVisible();
  const card = title.locator(
    'xpath=ancestor::*[count(.//button[@data-testid="template-card-actions--create"]) = 1][1]',
  );
  await card.getByRole('button', { name: 'Choose' }).click();
}

/** Picks the endpoint on the change template's first step. */
async function pickEndpoint(page: Page) {
  // Step 1: the endpoint (only those created from our golden paths are offered; with one
  // such endpoint the picker selects it and is disabled) and the operation (scale by default).
  // The form mounts again once the picker has loaded, which can empty it: pick until it holds.
  const endpoint = page.getByRole('textbox', { name: 'Endpoint' });
  await expect(async () => {
    if (!(await endpoint.inputValue()).includes(ENDPOINT_NAME)) {
      await endpoint.click({ timeout: 2_000 });
      await page
        .getByRole('option', { name: new RegExp(ENDPOINT_NAME) })
        .first()
        .click({ timeout: 5_000 });
    }
    await expect(endpoint).toHaveValue(new RegExp(ENDPOINT_NAME), {
      timeout: 2_000,
    });
  }).toPass({ timeout: 45_000 });
}

test('the change template scales the endpoint the golden path created: the review shows the monthly cost delta, a scale beyond the quota is refused, the task commits', async ({
  page,
}) => {
  test.setTimeout(150_000);
  await signInAsGuest(page);
  await chooseTemplate(page, 'Change an AI endpoint');

  await pickEndpoint(page);
  const maxReplicas = page.getByRole('spinbutton', {
    name: 'Maximum replicas',
  });

  // More L4 GPUs than the team's quota (4): the review step says the plan refuses it.
  await maxReplicas.fill('5');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(
    page.getByText(/The plan refuses this change/).first(),
  ).toBeVisible();
  await expect(page.getByText(/quota/i).first()).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/change-template-scale-refused.png`,
    fullPage: true,
  });

  // Back: 3 replicas at most fit. One L4 at 0.80 USD an hour is 584.00 USD a month, so the
  // cost at max replicas goes from 2 × 584 to 3 × 584 and at min replicas stays 584.
  await page.getByRole('button', { name: 'Back' }).click();
  await maxReplicas.fill('3');
  await page.getByRole('button', { name: 'Next' }).click();
  const beforeAfter = page.getByRole('table', { name: 'Before and after' });
  await expect(beforeAfter).toBeVisible();
  await expect(beforeAfter).toContainText('2');
  await expect(beforeAfter).toContainText('3');
  await expect(
    page.getByText(
      /Monthly cost at max replicas: 1,168\.00 USD → 1,752\.00 USD \(\+584\.00 USD\); at min replicas: 584\.00 USD → 584\.00 USD \(±0\.00 USD\)/,
    ),
  ).toBeVisible();
  await expect(page.getByText(/The plan refuses this change/)).toHaveCount(0);
  await page.screenshot({
    path: `${screenshotDir}/change-template-scale-preview.png`,
    fullPage: true,
  });

  // Run it: read the committed request, re-plan, render, commit.
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(
    page.getByRole('link', { name: 'Open the endpoint in the catalog' }),
  ).toBeVisible({ timeout: 90_000 });
  await expect(
    page
      .getByTestId('text-output-box')
      .getByText(
        /1,168\.00 → 1,752\.00 USD a month at max replicas \(\+584\.00\)/,
      ),
  ).toBeVisible();
  // The portal's GitOps repository (in the test's data folder) has the change on main.
  const gitops = ['--git-dir', `${E2E_DATA_DIR}/gitops.git`];
  expect(
    execFileSync('git', [...gitops, 'log', '-1', '--format=%s', 'main'], {
      encoding: 'utf8',
    }).trim(),
  ).toBe(`Scale endpoint ${ENDPOINT_NAME}: replicas.max 2 → 3`);
  expect(
    execFileSync(
      'git',
      [
        ...gitops,
        'show',
        `main:clusters/gpu-eu-west-1/llm-shared/${ENDPOINT_NAME}/scaledobject.yaml`,
      ],
      { encoding: 'utf8' },
    ),
  ).toMatch(/maxReplicaCount: 3\b/);
  await page.screenshot({
    path: `${screenshotDir}/change-template-scale-task.png`,
    fullPage: true,
  });
});

test('decommissioning the endpoint removes it from GitOps and the catalog, and the AI Platform page lists it as retired with the calls it served', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  // A call through the gateway to the endpoint while it is in the catalog.
  const token = await guestToken(request);
  const entityUrl = `${backendUrl}/api/catalog/entities/by-name/modelendpoint/default/${ENDPOINT_NAME}`;
  const entity = await (
    await request.get(entityUrl, {
      headers: { Authorization: `Bearer ${token}` },
    })
  ).json();
  const alias: string = entity.spec.gateway.model;
  await postLiteLlmCalls(request, [
    {
      id: `e2e-retired-${Date.now()}`,
      alias,
      startTimeS: Date.now() / 1000 - 60,
      ttftMs: 150,
      latencyMs: 900,
      inputTokens: 1200,
      outputTokens: 300,
      costUsd: 0,
    },
  ]);

  await signInAsGuest(page);
  await chooseTemplate(page, 'Change an AI endpoint');
  await pickEndpoint(page);
  await page.getByRole('button', { name: /^Operation/ }).click();
  await page.getByRole('option', { name: /^Decommission/ }).click();
  await page.getByRole('checkbox', { name: /I understand/ }).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(
    page
      .getByTestId('text-output-box')
      .getByText(/endpoint: clusters\/gpu-eu-west-1\/llm-shared\//),
  ).toBeVisible({ timeout: 90_000 });
  const gitops = ['--git-dir', `${E2E_DATA_DIR}/gitops.git`];
  expect(
    execFileSync('git', [...gitops, 'log', '-1', '--format=%s', 'main'], {
      encoding: 'utf8',
    }).trim(),
  ).toBe(
    `Decommission endpoint ${ENDPOINT_NAME}: remove clusters/gpu-eu-west-1/llm-shared/${ENDPOINT_NAME}`,
  );
  expect(
    execFileSync('git', [...gitops, 'ls-tree', '-r', '--name-only', 'main'], {
      encoding: 'utf8',
    }),
  ).not.toContain(ENDPOINT_NAME);
  await page.screenshot({
    path: `${screenshotDir}/change-template-decommission-task.png`,
    fullPage: true,
  });

  // The catalog drops the entity at its next GitOps sync.
  await expect(async () => {
    const response = await request.get(entityUrl, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status()).toBe(404);
  }).toPass({ timeout: 60_000 });

  // The AI Platform page lists it as retired, with the call it served.
  await page.goto('/ai-platform');
  const retiredRow = page.getByRole('row', {
    name: new RegExp(`modelendpoint:default/${ENDPOINT_NAME}`),
  });
  await expect(page.getByText(/^Retired: \d+ endpoints?/)).toBeVisible();
  await expect(retiredRow).toBeVisible();
  await expect(retiredRow).toContainText('1,500');
  await retiredRow.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/ai-platform-page-retired.png`,
    fullPage: true,
  });
});
