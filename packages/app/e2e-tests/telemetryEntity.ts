import { APIRequestContext, expect } from '@playwright/test';
import http from 'node:http';

// Helpers for browser tests that post telemetry of their own: a ModelEndpoint registered for
// this run only (a unique gateway alias, owned by the guest's team so the guest reads it), so
// the numbers the page must show are the ones the test sent, whatever else the portal holds.

export const backendUrl =
  process.env.PLAYWRIGHT_BACKEND_URL ?? 'http://localhost:7007';
// The development default of app-config.yaml (backend.auth.externalAccess).
export const ingestToken =
  process.env.AI_PLATFORM_INGEST_TOKEN ?? 'dev-ai-platform-ingest-token';
// The catalog reads the test's entities from this process over HTTP: `scripts/portal e2e` and
// `scripts/portal test` allow this host in `backend.reading.allow` (the catalog registers only
// `url` locations through its API).
const entityHost = process.env.PLAYWRIGHT_ENTITY_HOST ?? '127.0.0.1:7399';
const entityFiles = new Map<string, string>();
let entityServer: Promise<void> | undefined;

function serveEntityFiles(): Promise<void> {
  entityServer ??= new Promise((resolve, reject) => {
    const [hostname, port] = entityHost.split(':');
    const server = http.createServer((req, res) => {
      const body = entityFiles.get(req.url ?? '');
      res.writeHead(body === undefined ? 404 : 200, {
        'Content-Type': 'application/yaml',
      });
      res.end(body ?? 'not found');
    });
    server.once('error', reject);
    // One server per Playwright worker, closed when the worker exits.
    server.listen(Number(port), hostname, () => {
      server.unref();
      resolve();
    });
  });
  return entityServer;
}

/** A guest user token for the backend API. */
export async function guestToken(request: APIRequestContext): Promise<string> {
  const response = await request.get(`${backendUrl}/api/auth/guest/refresh`);
  expect(response.ok()).toBe(true);
  return (await response.json()).backstageIdentity.token;
}

/** One call the way LiteLLM's generic_api callback posts it (times in epoch seconds). */
export interface LiteLlmCall {
  id: string;
  alias: string;
  startTimeS: number;
  ttftMs: number;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export async function postLiteLlmCalls(
  request: APIRequestContext,
  calls: LiteLlmCall[],
) {
  const response = await request.post(
    `${backendUrl}/api/ai-platform/ingest/litellm`,
    {
      headers: { Authorization: `Bearer ${ingestToken}` },
      data: calls.map(call => ({
        id: call.id,
        call_type: 'acompletion',
        stream: true,
        status: 'success',
        model: call.alias,
        model_group: call.alias,
        custom_llm_provider: 'openai',
        prompt_tokens: call.inputTokens,
        completion_tokens: call.outputTokens,
        total_tokens: call.inputTokens + call.outputTokens,
        response_cost: call.costUsd,
        startTime: call.startTimeS,
        completionStartTime: call.startTimeS + call.ttftMs / 1000,
        endTime: call.startTimeS + call.latencyMs / 1000,
        metadata: { spend_logs_metadata: { e2e_test: true } },
      })),
    },
  );
  const body = await response.text();
  expect(response.ok(), body).toBe(true);
  return JSON.parse(body);
}

export interface TestEndpoint {
  entityRef: string;
  name: string;
  title: string;
  /** The gateway alias (`spec.gateway.model`), equal to the name. */
  alias: string;
  /** Removes the catalog locations this test registered. */
  remove(): Promise<void>;
}

function modelEndpointYaml(name: string, title: string): string {
  return `apiVersion: aiplatform.io/v1alpha1
kind: ModelEndpoint
metadata:
  name: ${name}
  title: ${title}
  description: Registered by a browser test for its own telemetry.
spec:
  type: chat
  lifecycle: experimental
  owner: group:default/developer-productivity
  model:
    name: ${name}
  serving:
    mode: managed
    provider: openai
  gateway:
    model: ${name}
  slo:
    ttftP95Ms: 1000
    errorRatePercent: 60
  budget:
    monthlyUsd: 100
  dataClassification: internal
`;
}

async function registerLocation(
  request: APIRequestContext,
  token: string,
  name: string,
  title: string,
): Promise<string> {
  await serveEntityFiles();
  entityFiles.set(`/${name}.yaml`, modelEndpointYaml(name, title));
  const response = await request.post(`${backendUrl}/api/catalog/locations`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { type: 'url', target: `http://${entityHost}/${name}.yaml` },
  });
  const body = await response.text();
  expect(response.status(), body).toBe(201);
  const locationId: string = JSON.parse(body).location.id;
  await expect
    .poll(
      async () =>
        (
          await request.get(
            `${backendUrl}/api/catalog/entities/by-name/modelendpoint/default/${name}`,
            { headers: { Authorization: `Bearer ${token}` } },
          )
        ).status(),
      { timeout: 60_000, intervals: [1_000] },
    )
    .toBe(200);
  return locationId;
}

async function usageOf(
  request: APIRequestContext,
  token: string,
  name: string,
): Promise<{
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}> {
  const response = await request.get(
    `${backendUrl}/api/ai-platform/usage/by-entity/modelendpoint/default/${name}`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  const body = await response.text();
  expect(response.status(), body).toBe(200);
  return JSON.parse(body);
}

export { usageOf as entityUsage };

/**
 * Registers a ModelEndpoint for this test and waits until ingest attributes calls to it.
 *
 * The backend re-reads the join keys from the catalog every
 * `aiPlatform.ingest.entityRefreshSeconds` (60 s by default; `scripts/portal test` sets 5 s):
 * a probe endpoint registered after the subject is in the catalog receives one call per poll
 * until one is attributed to it; from then on the backend's join keys include the subject too.
 * The probe's calls before that are listed as unattributed.
 */
export async function registerTestEndpoint(
  request: APIRequestContext,
  token: string,
  prefix: string,
): Promise<TestEndpoint> {
  const name = `${prefix}-${Date.now().toString(36)}`;
  const title = `E2E ${name}`;
  const subjectLocation = await registerLocation(request, token, name, title);
  const probeName = `${name}-probe`;
  const probeLocation = await registerLocation(
    request,
    token,
    probeName,
    `E2E ${probeName}`,
  );
  let seq = 0;
  await expect
    .poll(
      async () => {
        if ((await usageOf(request, token, probeName)).requests > 0) {
          return true;
        }
        seq += 1;
        await postLiteLlmCalls(request, [
          {
            id: `${probeName}-${seq}`,
            alias: probeName,
            startTimeS: Date.now() / 1000 - 2,
            ttftMs: 100,
            latencyMs: 200,
            inputTokens: 1,
            outputTokens: 1,
            costUsd: 0,
          },
        ]);
        return false;
      },
      { timeout: 150_000, intervals: [2_000] },
    )
    .toBe(true);
  return {
    entityRef: `modelendpoint:default/${name}`,
    name,
    title,
    alias: name,
    async remove() {
      for (const id of [probeLocation, subjectLocation]) {
        await request.delete(`${backendUrl}/api/catalog/locations/${id}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
      }
    },
  };
}
