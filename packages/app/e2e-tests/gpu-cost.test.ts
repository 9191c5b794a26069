import fs from 'node:fs';
import path from 'node:path';
import { expect, Page, Response, test } from '@playwright/test';
import type {
  EntityCostResponse,
  EntityCost,
} from '@ai-platform/plugin-ai-platform-common';
// The pages' own formatters, so API numbers are formatted exactly as shown.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  formatPercent,
  formatUsd,
} from '../../../plugins/ai-platform/src/components/EntityScorecard/scorecardDisplay';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { formatUsd as formatPageUsd } from '../../../plugins/ai-platform/src/components/AiPlatformOverviewPage/fleetDisplay';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  costBasisLabel,
  formatGpuHours,
  formatPerMillionOutputTokens,
  formatPerThousandRequests,
} from '../../../plugins/ai-platform/src/components/CostBasis/costBasis';
import { backendUrl, guestToken } from './telemetryEntity';

// The GPU cost of a self-hosted demo endpoint (Llama 3.1 8B on an H100 at $3.20 per GPU-hour) on
// its Scorecard tab and on the AI Platform page, checked against the responses the page itself
// received and against GET /api/ai-platform/cost/by-entity/.... With the demo Prometheus of
// ./scripts/portal (scripts/demo-gpu, when a Prometheus binary exists) the GPU-hours come from
// Prometheus and utilisation shows; without it they are estimated from the spec and say so.
const screenshotDir = '.artifacts/e2e-screenshots';
const ENDPOINT = 'llama-3-1-8b-instruct';
const COST_PATH = `/api/ai-platform/cost/by-entity/modelendpoint/default/${ENDPOINT}`;
const HOUR_MS = 3_600_000;

/** Whether the portal under test runs the demo Prometheus (its config overlay exists). */
function demoPrometheusRuns(): boolean {
  const dataDir = process.env.AI_PLATFORM_DATA_DIR ?? '.data';
  return fs.existsSync(path.join(dataDir, 'app-config.demo-gpu.yaml'));
}

async function jsonOf<T>(response: Promise<Response>): Promise<T> {
  const r = await response;
  expect(r.status(), await r.text()).toBe(200);
  return r.json();
}

async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page.getByRole('navigation', { name: 'sidebar nav' }).getByRole('link', {
      name: 'Catalog',
      exact: true,
    }),
  ).toBeVisible();
}

const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const figure = (page: Page, label: string) =>
  page.getByRole('group', { name: label, exact: true });

test('a self-hosted endpoint shows its GPU cost in dollars with its basis, unit cost and utilisation', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const withPrometheus = demoPrometheusRuns();
  const token = await guestToken(request);
  const direct = await request.get(`${backendUrl}${COST_PATH}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(direct.status(), await direct.text()).toBe(200);
  const api: EntityCostResponse = await direct.json();
  const expectedBasis = withPrometheus
    ? 'gpu-hours-prometheus'
    : 'gpu-hours-spec-estimate';
  expect(api.cost.basis, api.cost.unavailableReason ?? '').toBe(expectedBasis);
  const apiGpu = api.cost.gpu!;
  expect(apiGpu.gpuHourUsd).toBe(3.2);
  expect(apiGpu.priceSource).toBe('entity-pricing');
  // Dollars, not fractions of a cent: at least one replica since the month's start (or since
  // the catalog registered the entity, for the estimate), at $3.20 an hour.
  const heldHours =
    (Date.parse(apiGpu.window.to) - Date.parse(apiGpu.window.from)) / HOUR_MS;
  expect(apiGpu.gpuHours).toBeGreaterThanOrEqual(heldHours * 0.95);
  expect(api.cost.costUsd).toBeCloseTo(apiGpu.gpuHours * 3.2, 2);
  if (withPrometheus) {
    // The demo Prometheus is backfilled from the month's start: the whole month is measured.
    const monthStart = new Date();
    monthStart.setUTCDate(1);
    monthStart.setUTCHours(0, 0, 0, 0);
    expect(Date.parse(apiGpu.window.from)).toBe(monthStart.getTime());
    expect(apiGpu.utilisationPercent?.value).toBeGreaterThan(0);
    expect(apiGpu.idleCostUsd).toBeGreaterThan(0);
  }

  await signInAsGuest(page);
  // The numbers the tab shows are the ones these responses carry (the estimate grows by the
  // second, so the page's own responses are the reference; the direct call above checks them).
  const scorecardResponse = jsonOf<{ cost: EntityCost }>(
    page.waitForResponse(
      r =>
        r
          .url()
          .includes(
            `/api/ai-platform/scorecards/by-entity/modelendpoint/default/${ENDPOINT}`,
          ) && r.request().method() === 'GET',
    ),
  );
  const comparisonResponse = jsonOf<EntityCostResponse>(
    page.waitForResponse(r => r.url().endsWith(COST_PATH)),
  );
  await page.goto(`/catalog/default/modelendpoint/${ENDPOINT}/scorecard`);
  const { cost } = await scorecardResponse;
  const comparison = await comparisonResponse;
  expect(cost.basis).toBe(expectedBasis);
  const gpu = cost.gpu!;
  expect(Math.abs(gpu.gpuHours - apiGpu.gpuHours)).toBeLessThan(0.5);

  const costFigure = figure(page, 'Cost month to date');
  await expect(costFigure.getByRole('paragraph')).toHaveText(
    formatUsd(cost.costUsd!),
  );
  await expect(costFigure).toContainText(costBasisLabel(cost.basis));
  await expect(costFigure.getByText('estimate', { exact: true })).toHaveCount(
    withPrometheus ? 0 : 1,
  );
  await expect(figure(page, 'GPU-hours').getByRole('paragraph')).toHaveText(
    formatGpuHours(gpu.gpuHours),
  );
  await expect(
    figure(page, 'Price per GPU-hour').getByRole('paragraph'),
  ).toHaveText('$3.20');
  await expect(figure(page, 'Price per GPU-hour')).toContainText(
    'from spec.pricing.gpuHourUsd',
  );
  await expect(page.getByLabel('Cost basis')).toHaveText(gpu.basis);

  // Unit cost, and the same unit cost in the comparison with the other chat endpoints.
  const unitCost = cost.unitCost!;
  await expect(
    figure(page, 'Cost per million output tokens').getByRole('paragraph'),
  ).toHaveText(formatPerMillionOutputTokens(unitCost));
  await expect(
    figure(page, 'Cost per 1,000 requests').getByRole('paragraph'),
  ).toHaveText(formatPerThousandRequests(unitCost));
  const table = page.getByRole('table', {
    name: 'Unit cost of comparable endpoints',
  });
  const thisRow = table.getByRole('row', {
    name: new RegExp(
      `${escapeRegExp(comparison.cost.title)} \\(this endpoint\\)`,
    ),
  });
  await expect(thisRow).toContainText(
    formatPerMillionOutputTokens(comparison.cost.unitCost!),
  );
  const managed = comparison.comparisons.find(c => c.servingMode === 'managed');
  expect(managed, 'a managed chat endpoint to compare with').toBeDefined();
  await expect(
    table.getByRole('row', { name: new RegExp(escapeRegExp(managed!.title)) }),
  ).toContainText(formatPerMillionOutputTokens(managed!.unitCost));

  // Utilisation and idle cost from Prometheus, or what to configure to get them.
  if (withPrometheus) {
    expect(gpu.utilisationPercent!.metric).toContain('DCGM_FI_DEV_GPU_UTIL');
    await expect(
      figure(page, 'GPU utilisation').getByRole('paragraph'),
    ).toHaveText(formatPercent(gpu.utilisationPercent!.value));
    await expect(figure(page, 'GPU utilisation')).toContainText(
      `from Prometheus (${gpu.utilisationPercent!.metric})`,
    );
    await expect(
      figure(page, 'Idle GPU cost').getByRole('paragraph'),
    ).toHaveText(formatUsd(gpu.idleCostUsd!));
  } else {
    await expect(
      page.getByText(/^No GPU utilisation: configure aiPlatform\.telemetry/),
    ).toBeVisible();
  }
  await page.screenshot({
    path: `${screenshotDir}/gpu-cost-scorecard.png`,
    fullPage: true,
  });

  // The AI Platform page: the GPU cost panel and the endpoint's unit cost in the fleet table.
  const summaryResponse = jsonOf<{
    fleet: Array<{
      entityRef: string;
      unitCost?: EntityCost['unitCost'];
      costBasis?: string;
    }>;
    gpuCost: {
      totalMtdUsd: number;
      idleMtdUsd: number;
      measuredEndpointCount: number;
      estimatedEndpointCount: number;
    };
  }>(
    page.waitForResponse(r =>
      r.url().includes('/api/ai-platform/fleet/summary'),
    ),
  );
  await page.goto('/ai-platform');
  const summary = await summaryResponse;
  const panel = page.getByRole('region', { name: 'GPU cost', exact: true });
  await expect(
    figure(page, 'GPU cost month to date').getByRole('paragraph'),
  ).toHaveText(formatPageUsd(summary.gpuCost.totalMtdUsd));
  // Four self-hosted endpoints in the demo catalog, all measured or all estimated.
  const selfHosted = withPrometheus
    ? summary.gpuCost.measuredEndpointCount
    : summary.gpuCost.estimatedEndpointCount;
  expect(selfHosted).toBeGreaterThanOrEqual(4);
  await expect(panel).toContainText(
    withPrometheus
      ? `Prometheus: ${summary.gpuCost.measuredEndpointCount}`
      : `Estimated from the spec: ${summary.gpuCost.estimatedEndpointCount}`,
  );
  if (withPrometheus) {
    expect(summary.gpuCost.idleMtdUsd).toBeGreaterThan(0);
    await expect(
      figure(page, 'Idle GPU cost').getByRole('paragraph'),
    ).toHaveText(formatPageUsd(summary.gpuCost.idleMtdUsd));
  }
  const row = summary.fleet.find(
    f => f.entityRef === `modelendpoint:default/${ENDPOINT}`,
  )!;
  expect(row.costBasis).toBe(expectedBasis);
  const fleetRow = page
    .getByRole('link', { name: 'Llama 3.1 8B Instruct (H100)', exact: true })
    .first()
    .locator('xpath=ancestor::tr');
  const perMillion = row.unitCost?.perMillionOutputTokensUsd;
  await expect(fleetRow).toContainText(
    perMillion === null || perMillion === undefined
      ? '—'
      : `${formatPageUsd(perMillion)} / M output tokens`,
  );
  await expect(fleetRow).toContainText(
    withPrometheus ? 'GPU · Prometheus' : 'GPU · estimate',
  );
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/gpu-cost-ai-platform-page.png`,
    fullPage: true,
  });
});
