import {
  APIRequestContext,
  expect,
  Locator,
  Page,
  test,
} from '@playwright/test';

// The AI Platform page (/ai-platform) on the demo data: every panel renders, and the numbers it
// shows are the ones GET /api/ai-platform/fleet/summary answers. Playwright runs from the
// repository root; screenshots go to the git-ignored .artifacts/.
const screenshotDir = '.artifacts/e2e-screenshots';
const backend = process.env.PLAYWRIGHT_BACKEND_URL ?? 'http://localhost:7007';
// The development default of app-config.yaml (backend.auth.externalAccess).
const ingestToken =
  process.env.AI_PLATFORM_INGEST_TOKEN ?? 'dev-ai-platform-ingest-token';
const TEMPLATE_REF = 'template:default/self-hosted-endpoint';

// The subset of GET /fleet/summary the test reads (see plugins/ai-platform/src/api/types.ts).
interface FleetSummary {
  fleet: Array<{
    entityRef: string;
    title: string;
    kind: string;
    level: string | null;
    spendMtdUsd: number | null;
    requestsMtd: number | null;
  }>;
  spendByTeam: Array<{
    owner: string;
    modelEndpointSpendMtdUsd: number;
    agentSpendMtdUsd: number;
    /** Sent by a backend that prices self-hosted endpoints by GPU-hours. */
    selfHostedGpuSpendMtdUsd?: number;
    estimatedSpendMtdUsd?: number;
    idleCostMtdUsd?: number;
  }>;
  goldenPaths: {
    templates: Array<{ templateRef: string; entityCount: number }>;
    entities: Array<{
      entityRef: string;
      title: string;
      templateRef: string;
      createdAt: string | null;
      firstTelemetryAt: string | null;
      timeToFirstInferenceMs: number | null;
    }>;
    timeToFirstInference: { medianMs: number | null };
  };
  gpuAllocation: {
    byTeamAndProfile: Array<{
      team: string;
      gpuProfile: string;
      gpusAtMaxReplicas: number;
      quotaGpus: number | null;
    }>;
  };
  unattributed: {
    allowed: boolean;
    items: Array<{ joinKey: string; requests: number; fixHint: string }>;
  };
}

// The page's formatting (plugins/ai-platform/src/components/AiPlatformOverviewPage/fleetDisplay.ts).
const usd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const smallUsd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumSignificantDigits: 3,
});
function formatUsd(value: number): string {
  return value !== 0 && Math.abs(value) < 1
    ? smallUsd.format(value)
    : usd.format(value);
}
function formatDurationMs(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) {
    const s = totalSeconds % 60;
    return s ? `${totalMinutes} min ${s} s` : `${totalMinutes} min`;
  }
  const totalHours = Math.floor(totalMinutes / 60);
  if (totalHours < 24) {
    const m = totalMinutes % 60;
    return m ? `${totalHours} h ${m} min` : `${totalHours} h`;
  }
  const d = Math.floor(totalHours / 24);
  const h = totalHours % 24;
  return h ? `${d} d ${h} h` : `${d} d`;
}
const nameOf = (ref: string) => ref.slice(ref.indexOf('/') + 1);

async function guestToken(request: APIRequestContext): Promise<string> {
  const response = await request.get(`${backend}/api/auth/guest/refresh`);
  expect(response.ok()).toBe(true);
  return (await response.json()).backstageIdentity.token;
}

async function fetchSummary(
  request: APIRequestContext,
  token: string,
): Promise<FleetSummary> {
  const response = await request.get(
    `${backend}/api/ai-platform/fleet/summary`,
    {
      headers: { Authorization: `Bearer ${token}` },
    },
  );
  expect(response.status()).toBe(200);
  return response.json();
}

/**
 * A ModelEndpoint created by the self-hosted golden path: reuses one from an earlier run, else
 * runs the template through the scaffolder API (plan, render, GitOps commit) and waits for the
 * catalog's GitOps sync.
 */
async function goldenPathEndpoint(
  request: APIRequestContext,
  token: string,
): Promise<string> {
  const existing = (
    await fetchSummary(request, token)
  ).goldenPaths.entities.find(
    e => e.templateRef === TEMPLATE_REF && e.createdAt !== null,
  );
  if (existing) {
    return existing.entityRef;
  }
  const name = `e2e-ttfi-${Date.now().toString(36)}`;
  const created = await request.post(`${backend}/api/scaffolder/v2/tasks`, {
    headers: { Authorization: `Bearer ${token}` },
    data: {
      templateRef: TEMPLATE_REF,
      values: {
        name,
        owner: 'group:default/ml-platform',
        dataClassification: 'internal',
        model: 'Qwen/Qwen2.5-7B-Instruct',
        gpuProfile: 'l4-24gb',
        tensorParallelSize: 1,
        cluster: 'gpu-eu-west-1',
        runtime: 'vllm',
        contextTokens: 8192,
        maxConcurrentSequences: 1,
        minReplicas: 0,
        maxReplicas: 1,
      },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = await created.json();
  await expect
    .poll(
      async () => {
        const task = await request.get(
          `${backend}/api/scaffolder/v2/tasks/${id}`,
          {
            headers: { Authorization: `Bearer ${token}` },
          },
        );
        return (await task.json()).status;
      },
      { timeout: 60_000, intervals: [1000] },
    )
    .toBe('completed');
  const entityRef = `modelendpoint:default/${name}`;
  await expect
    .poll(
      async () =>
        (
          await fetchSummary(request, token)
        ).goldenPaths.entities.some(e => e.entityRef === entityRef),
      { timeout: 60_000, intervals: [2000] },
    )
    .toBe(true);
  return entityRef;
}

/**
 * Sends one call for the endpoint's gateway alias the way LiteLLM's generic_api callback posts
 * it, until the backend attributes one to the entity (its join keys refresh every 60 s; calls
 * before that are listed as unattributed).
 */
async function sendFirstInference(
  request: APIRequestContext,
  token: string,
  entityRef: string,
) {
  const alias = nameOf(entityRef);
  let seq = 0;
  await expect
    .poll(
      async () => {
        const summary = await fetchSummary(request, token);
        const entity = summary.goldenPaths.entities.find(
          e => e.entityRef === entityRef,
        );
        if (entity?.firstTelemetryAt) {
          return true;
        }
        const now = Date.now() / 1000;
        seq += 1;
        const response = await request.post(
          `${backend}/api/ai-platform/ingest/litellm`,
          {
            headers: { Authorization: `Bearer ${ingestToken}` },
            data: [
              {
                id: `e2e-${alias}-${Date.now()}-${seq}`,
                call_type: 'acompletion',
                stream: true,
                status: 'success',
                model: 'Qwen/Qwen2.5-7B-Instruct',
                model_group: alias,
                custom_llm_provider: 'hosted_vllm',
                prompt_tokens: 120,
                completion_tokens: 30,
                total_tokens: 150,
                response_cost: 0.0004,
                startTime: now - 1.2,
                completionStartTime: now - 1.0,
                endTime: now,
                metadata: { spend_logs_metadata: { e2e_test: true } },
              },
            ],
          },
        );
        expect(response.ok(), await response.text()).toBe(true);
        return false;
      },
      { timeout: 150_000, intervals: [5000] },
    )
    .toBe(true);
}

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

function region(page: Page, name: string): Locator {
  return page.getByRole('region', { name, exact: true });
}

/** Asserts the panels against one summary; the caller retries when traffic moved the numbers. */
async function expectPanelsMatch(page: Page, summary: FleetSummary) {
  const timeout = { timeout: 5_000 };

  // Every loop below must not pass on an empty list.
  const nonEmpty = (what: string, list: unknown[]) =>
    expect(list.length, `${what} is empty`).toBeGreaterThan(0);

  // Fleet table: grade and month-to-date spend per entity.
  const withSpend = summary.fleet.filter(i => i.spendMtdUsd !== null);
  nonEmpty('fleet entities with spend', withSpend);
  for (const item of withSpend) {
    const row = page
      .getByRole('link', { name: item.title, exact: true })
      .first()
      .locator('xpath=ancestor::tr');
    await expect(row).toContainText(formatUsd(item.spendMtdUsd!), timeout);
    if (item.level) {
      await expect(row).toContainText(item.level, timeout);
    }
  }

  // Spend by team.
  const spendRows = region(page, 'Spend by team')
    .getByRole('table', { name: 'Spend by team, month to date' })
    .locator('tbody tr');
  nonEmpty('spend by team', summary.spendByTeam);
  await expect(spendRows).toHaveCount(summary.spendByTeam.length, timeout);
  for (const [index, team] of summary.spendByTeam.entries()) {
    const row = spendRows.nth(index);
    // Groups show their title (EntityRefLink); the link names the group.
    await expect(
      row.locator(`a[href$="/group/${nameOf(team.owner)}"]`),
    ).toHaveCount(1, timeout);
    await expect(row.locator('td').nth(1)).toContainText(
      formatUsd(team.modelEndpointSpendMtdUsd),
      timeout,
    );
    // With GPU cost, the endpoints' spend is split into its GPU-hours,
    // estimated and idle parts before the agents' column.
    if (team.selfHostedGpuSpendMtdUsd !== undefined) {
      await expect(row.locator('td').nth(2)).toContainText(
        formatUsd(team.selfHostedGpuSpendMtdUsd),
        timeout,
      );
      await expect(row.locator('td').nth(3)).toContainText(
        formatUsd(team.estimatedSpendMtdUsd ?? 0),
        timeout,
      );
      await expect(row.locator('td').nth(4)).toContainText(
        formatUsd(team.idleCostMtdUsd ?? 0),
        timeout,
      );
    }
    await expect(row.locator('td').last()).toContainText(
      formatUsd(team.agentSpendMtdUsd),
      timeout,
    );
  }

  // Golden paths and time to first inference.
  const adoption = region(page, 'Golden-path adoption');
  nonEmpty('golden-path templates', summary.goldenPaths.templates);
  for (const template of summary.goldenPaths.templates) {
    await expect(
      // Templates show their title; the link names the template.
      adoption.getByRole('listitem').filter({
        has: page.locator(
          `a[href$="/template/${nameOf(template.templateRef)}"]`,
        ),
      }),
    ).toContainText(`: ${template.entityCount} entit`, timeout);
  }
  const ttfi = region(page, 'Time to first inference');
  const { medianMs } = summary.goldenPaths.timeToFirstInference;
  await expect(
    ttfi.getByRole('group', { name: 'Median time to first inference' }),
  ).toContainText(
    medianMs === null ? '—' : formatDurationMs(medianMs),
    timeout,
  );

  // GPU allocation per team against the quota.
  const gpuRows = region(page, 'GPU allocation')
    .getByRole('table', { name: 'GPUs per team and profile' })
    .locator('tbody tr');
  nonEmpty('GPU allocation', summary.gpuAllocation.byTeamAndProfile);
  await expect(gpuRows).toHaveCount(
    summary.gpuAllocation.byTeamAndProfile.length,
    timeout,
  );
  for (const [index, row] of summary.gpuAllocation.byTeamAndProfile.entries()) {
    await expect(
      gpuRows.nth(index).locator(`a[href$="/group/${nameOf(row.team)}"]`),
    ).toHaveCount(1, timeout);
    await expect(gpuRows.nth(index)).toContainText(row.gpuProfile, timeout);
    await expect(gpuRows.nth(index)).toContainText(
      row.quotaGpus === null
        ? `${row.gpusAtMaxReplicas} of no quota`
        : `${row.gpusAtMaxReplicas} of ${row.quotaGpus}`,
      timeout,
    );
  }

  // Unattributed telemetry with the key to fix.
  const unattributed = region(page, 'Unattributed telemetry');
  if (!summary.unattributed.allowed) {
    // The guest is no platform member: the panel says why it lists nothing.
    await expect(unattributed).toContainText(
      'You may not read telemetry that belongs to no entity',
      timeout,
    );
    return;
  }
  nonEmpty('unattributed telemetry', summary.unattributed.items);
  for (const item of summary.unattributed.items.slice(0, 10)) {
    const row = unattributed
      .getByText(item.joinKey, { exact: true })
      .locator('xpath=ancestor::tr');
    await expect(row).toContainText(item.fixHint, timeout);
    await expect(row).toContainText(String(item.requests), timeout);
  }
}

/** The page scrolls inside its content area, so each panel is captured on its own. */
async function screenshotPanels(page: Page, variant: string) {
  await page.screenshot({
    path: `${screenshotDir}/ai-platform-page-${variant}.png`,
  });
  const panels: Array<[string, string]> = [
    ['Golden-path adoption', 'golden-paths'],
    ['Time to first inference', 'time-to-first-inference'],
    ['Spend by team', 'spend-by-team'],
    ['GPU allocation', 'gpu-allocation'],
    ['Unattributed telemetry', 'unattributed'],
  ];
  for (const [name, file] of panels) {
    await region(page, name).scrollIntoViewIfNeeded();
    await region(page, name).screenshot({
      path: `${screenshotDir}/ai-platform-${file}-${variant}.png`,
    });
  }
  const agents = page.getByRole('heading', { name: /^Agents \(/ });
  await agents.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/ai-platform-fleet-tables-${variant}.png`,
  });
}

test('the AI Platform page shows the fleet, golden paths, spend, GPUs and unattributed telemetry as the backend reports them', async ({
  page,
  request,
}) => {
  test.setTimeout(420_000);
  const token = await guestToken(request);

  // Demo traffic runs for up to ~45 s after the portal starts: wait until spend shows up.
  await expect
    .poll(async () => (await fetchSummary(request, token)).spendByTeam.length, {
      timeout: 120_000,
      intervals: [3000],
    })
    .toBeGreaterThan(0);

  const endpointRef = await goldenPathEndpoint(request, token);
  await sendFirstInference(request, token, endpointRef);
  // A call for an alias no entity declares, so the unattributed panel has a row to show.
  const unknownAlias = await request.post(
    `${backend}/api/ai-platform/ingest/litellm`,
    {
      headers: { Authorization: `Bearer ${ingestToken}` },
      data: [
        {
          id: `e2e-unattributed-${Date.now()}`,
          call_type: 'acompletion',
          stream: false,
          status: 'success',
          model: 'e2e-no-such-alias',
          model_group: 'e2e-no-such-alias',
          custom_llm_provider: 'openai',
          prompt_tokens: 10,
          completion_tokens: 5,
          total_tokens: 15,
          response_cost: 0.0001,
          startTime: Date.now() / 1000 - 2,
          endTime: Date.now() / 1000 - 1,
        },
      ],
    },
  );
  expect(unknownAlias.ok(), await unknownAlias.text()).toBe(true);

  await page.setViewportSize({ width: 1280, height: 900 });
  await signInAsGuest(page);
  await page.goto('/ai-platform');
  await expect(
    page.getByRole('heading', { name: 'AI Platform' }),
  ).toBeVisible();
  for (const name of [
    'Golden-path adoption',
    'Time to first inference',
    'Spend by team',
    'GPU allocation',
    'Unattributed telemetry',
  ]) {
    await expect(region(page, name)).toBeVisible();
  }

  // The page and the API are read moments apart while telemetry may still arrive: compare
  // against a fresh summary and reload on a mismatch, a few times.
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    const summary = await fetchSummary(request, token);
    try {
      await expectPanelsMatch(page, summary);
      const endpoint = summary.goldenPaths.entities.find(
        e => e.entityRef === endpointRef,
      )!;
      expect(endpoint.timeToFirstInferenceMs).not.toBeNull();
      await expect(
        region(page, 'Time to first inference')
          .getByRole('link', { name: endpoint.title, exact: true })
          .locator('xpath=ancestor::tr'),
      ).toContainText(formatDurationMs(endpoint.timeToFirstInferenceMs!));
      lastError = undefined;
      break;
    } catch (error) {
      lastError = error;
      await page.reload();
      await expect(region(page, 'Spend by team')).toBeVisible();
    }
  }
  if (lastError) {
    throw lastError;
  }

  await screenshotPanels(page, '1280-light');

  // 1920 px and the dark theme (the app theme API reads localStorage 'theme').
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.evaluate(() => window.localStorage.setItem('theme', 'dark'));
  await page.reload();
  await expect(region(page, 'GPU allocation')).toBeVisible();
  await expect(
    region(page, 'Spend by team').locator('svg').first(),
  ).toBeVisible();
  await screenshotPanels(page, '1920-dark');
  await page.evaluate(() => window.localStorage.removeItem('theme'));
});
