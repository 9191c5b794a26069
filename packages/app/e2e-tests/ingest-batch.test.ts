import { test, expect } from '@playwright/test';

import {
  backendUrl,
  entityUsage,
  guestToken,
  ingestToken,
  registerTestEndpoint,
} from './telemetryEntity';

// Runs against the portal under test on both databases (`scripts/portal test` starts it on
// SQLite and then on PostgreSQL, `--grep @postgres`): the same batch must be stored the same way.

function hex(length: number): string {
  let out = '';
  while (out.length < length) {
    out += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  }
  return out.slice(0, length);
}

function chatSpan(options: {
  model: string;
  startMs: number;
  /** A failed call; no error.type attribute, so its error type is this message. */
  errorMessage?: string;
}) {
  const nanos = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
  return {
    traceId: hex(32),
    spanId: hex(16),
    name: `chat ${options.model}`,
    kind: 3,
    startTimeUnixNano: nanos(options.startMs),
    endTimeUnixNano: nanos(options.startMs + 800),
    attributes: [
      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
      { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
      { key: 'gen_ai.request.model', value: { stringValue: options.model } },
      { key: 'gen_ai.usage.input_tokens', value: { intValue: '120' } },
      { key: 'gen_ai.usage.output_tokens', value: { intValue: '30' } },
    ],
    status: options.errorMessage
      ? { code: 2, message: options.errorMessage }
      : { code: 1 },
  };
}

test('a batch with an over-long provider error message is stored whole @postgres', async ({
  request,
}) => {
  test.setTimeout(240_000);
  const token = await guestToken(request);
  // An endpoint of this run only: its usage counts exactly the calls of this batch.
  const endpoint = await registerTestEndpoint(request, token, 'e2e-batch');
  const model = endpoint.alias;
  // Provider error messages are often longer than 255 characters.
  const longMessage = `upstream provider error: ${'x'.repeat(575)}`;
  expect(longMessage).toHaveLength(600);
  const now = Date.now();
  const batch = {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'e2e-ingest-batch' } },
          ],
        },
        scopeSpans: [
          {
            scope: { name: 'e2e' },
            spans: [
              chatSpan({ model, startMs: now - 5_000 }),
              chatSpan({
                model,
                startMs: now - 4_000,
                errorMessage: longMessage,
              }),
            ],
          },
        ],
      },
    ],
  };

  const response = await request.post(
    `${backendUrl}/api/ai-platform/v1/traces`,
    {
      headers: { Authorization: `Bearer ${ingestToken}` },
      data: batch,
    },
  );
  const body = await response.text();
  expect(response.status(), body).toBe(200);
  // Nothing rejected: a long message is truncated, not a reason to drop the span.
  expect(JSON.parse(body).partialSuccess?.rejectedSpans ?? '0').toBe('0');

  // Both spans are stored: 2 calls, 1 of them failed, the tokens of both.
  expect(await entityUsage(request, token, endpoint.name)).toMatchObject({
    requests: 2,
    errors: 1,
    inputTokens: 240,
    outputTokens: 60,
  });
  await endpoint.remove();
});
