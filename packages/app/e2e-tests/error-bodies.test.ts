import { test, expect, APIResponse } from '@playwright/test';

import { backendUrl, guestToken, ingestToken } from './telemetryEntity';

// The portal under test runs with NODE_ENV=development, where Backstage's error handler shows
// stack traces. No error body of the AI Platform's routes may carry a stack, a file path or SQL,
// whichever layer (the credentials barrier, the plugin's own routes) produced it.

async function expectCleanErrorBody(response: APIResponse, status: number) {
  expect(response.status()).toBe(status);
  const body = await response.text();
  expect(JSON.parse(body).error.message).toEqual(expect.any(String));
  expect(body).not.toMatch(/"stack"/);
  expect(body).not.toMatch(/\s+at\s+\S+\s+\(/);
  expect(body).not.toMatch(/\/work\/|node_modules|\.ts:\d+/);
  expect(body).not.toMatch(/\b(select|insert)\b/i);
}

test('error bodies carry no stack, file path or SQL @postgres', async ({
  request,
}) => {
  const base = `${backendUrl}/api/ai-platform`;
  // Rejected by the credentials barrier, before the plugin's routes.
  await expectCleanErrorBody(
    await request.get(`${base}/usage/unattributed`),
    401,
  );
  await expectCleanErrorBody(
    await request.post(`${base}/v1/traces`, {
      headers: { 'content-type': 'application/json' },
      data: '{}',
    }),
    401,
  );
  // Rejected by the plugin's routes.
  const user = { authorization: `Bearer ${await guestToken(request)}` };
  await expectCleanErrorBody(
    await request.get(`${base}/usage/unattributed?limit=0`, { headers: user }),
    400,
  );
  await expectCleanErrorBody(
    await request.post(`${base}/v1/traces`, {
      headers: {
        authorization: `Bearer ${ingestToken}`,
        'content-type': 'application/json',
      },
      data: '{"resourceSpans": 7',
    }),
    400,
  );
});
