import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  startIngestTestBackend,
  TEST_DATABASE_IDS,
} from '../__testUtils__/ingestTestBackend';

jest.setTimeout(60_000);

const LITELLM_PATH = '/api/ai-platform/ingest/litellm';
const SERVICE = mockCredentials.service.header();

/** An hour ago, on a whole second, plus 250.25 ms: inside the ingest window. */
const START_MS = Math.floor(Date.now() / 1000 - 3600) * 1000 + 250.25;
const FIRST_CHUNK_MS = START_MS + 418.25;
const END_MS = START_MS + 1234.5;

/** `2026-12-05T10:15:30.250250` (six fraction digits, no zone). */
function isoWithoutZone(ms: number): string {
  const iso = new Date(Math.floor(ms)).toISOString().slice(0, 19);
  const micros = Math.round((ms - Math.floor(ms / 1000) * 1000) * 1000);
  return `${iso}.${String(micros).padStart(6, '0')}`;
}

/** The three time fields written one way. */
const TIME_FORMS: Record<string, (ms: number) => unknown> = {
  'epoch-number': ms => ms / 1000,
  'epoch-string': ms => String(ms / 1000),
  'iso-zone': ms => `${isoWithoutZone(ms)}Z`,
  'iso-offset': ms => {
    // The same instant written at +02:00.
    const local = isoWithoutZone(ms + 2 * 3600 * 1000);
    return `${local}+02:00`;
  },
  'iso-no-zone': ms => isoWithoutZone(ms),
  'litellm-space': ms => isoWithoutZone(ms).replace('T', ' '),
};

function payload(id: string, times: (ms: number) => unknown) {
  return {
    id,
    call_type: 'acompletion',
    stream: true,
    status: 'success',
    model: 'gpt-4o-mini',
    model_group: 'gpt-4o-mini',
    custom_llm_provider: 'openai',
    prompt_tokens: 100,
    completion_tokens: 20,
    response_cost: 0.0001,
    startTime: times(START_MS),
    completionStartTime: times(FIRST_CHUNK_MS),
    endTime: times(END_MS),
  };
}

describe('POST /ingest/litellm time forms', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  it.each(databases.eachSupportedId())(
    'stores the same start, latency and TTFT from every form, refuses a bad one by name, %p',
    async databaseId => {
      const { server, knex } = await startIngestTestBackend(
        databases,
        databaseId,
      );
      const forms = Object.entries(TIME_FORMS);
      const response = await request(server)
        .post(LITELLM_PATH)
        .set('Authorization', SERVICE)
        .send([
          ...forms.map(([name, times]) => payload(`call-${name}`, times)),
          {
            ...payload('call-bad-end', TIME_FORMS['iso-zone']),
            endTime: 'soon',
          },
          {
            ...payload('call-bad-first-chunk', TIME_FORMS['epoch-number']),
            completionStartTime: '2026-13-01 10:00:00',
          },
        ]);
      expect(response.status).toBe(200);
      const accepted =
        "epoch seconds (a number or numeric string), an ISO 8601 date-time (e.g. '2026-12-05T10:15:30.123Z'; without a zone it is UTC) or LiteLLM's 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC)";
      expect(response.body).toEqual({
        accepted: forms.length,
        duplicates: 0,
        merged: 0,
        rejected: [
          {
            index: forms.length,
            message: `'endTime' must be ${accepted}, got "soon"`,
          },
          {
            index: forms.length + 1,
            message: `'completionStartTime' must be ${accepted}, got "2026-13-01 10:00:00"`,
          },
        ],
      });

      const rows = await knex('ai_platform_events').orderBy('source_event_id');
      expect(rows.map(row => row.source_event_id)).toEqual(
        forms.map(([name]) => `call-${name}`).sort(),
      );
      for (const row of rows) {
        // occurred_at is whole ms; latency and TTFT keep the fraction.
        expect(Number(row.occurred_at)).toBe(Math.round(START_MS));
        expect(Number(row.latency_ms)).toBeCloseTo(1234.5, 2);
        expect(Number(row.ttft_ms)).toBeCloseTo(418.25, 2);
      }
    },
  );
});
