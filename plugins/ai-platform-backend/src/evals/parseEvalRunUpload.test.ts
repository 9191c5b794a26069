import { InputError } from '@backstage/errors';
import promptfooResults from './__fixtures__/promptfoo-results.json';
import { parseEvalRunUpload } from './parseEvalRunUpload';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const BINDING = {
  entityRef: 'Agent:default/Checkout-Agent',
  suite: 'safety',
  suiteVersion: 'v3',
};

function generic(overrides: Record<string, unknown> = {}) {
  return {
    ...BINDING,
    runId: 'ci-1234',
    score: 0.91,
    passed: 91,
    failed: 9,
    startedAt: '2026-11-23T09:00:00Z',
    ...overrides,
  };
}

describe('parseEvalRunUpload', () => {
  it('reads promptfoo -o results.json output bound by query parameters', () => {
    expect(parseEvalRunUpload(promptfooResults, BINDING, NOW)).toEqual({
      entityRef: 'agent:default/checkout-agent',
      suite: 'safety',
      suiteVersion: 'v3',
      runId: 'eval-7Kx-2026-11-23T09:58:12',
      source: 'promptfoo',
      score: 0.625,
      passed: 3,
      failed: 1,
      errors: 0,
      total: 4,
      metrics: {},
      startedAt: new Date('2026-11-23T09:58:12.000Z'),
      finishedAt: new Date('2026-11-23T10:00:00.000Z'),
    });
  });

  it('takes a runId parameter over the evalId, and needs one of them', () => {
    expect(
      parseEvalRunUpload(promptfooResults, { ...BINDING, runId: 'b-9' }, NOW)
        .runId,
    ).toBe('b-9');
    expect(() =>
      parseEvalRunUpload({ ...promptfooResults, evalId: null }, BINDING, NOW),
    ).toThrow(/'evalId' is null; pass a 'runId'/);
  });

  it.each([
    [
      { suite: 'safety', suiteVersion: 'v3' },
      /'entityRef': expected an entity ref/,
    ],
    [
      { ...BINDING, suiteVersion: '' },
      /'suiteVersion': expected the suite version/,
    ],
  ])('names the missing binding %j', (query, message) => {
    expect(() => parseEvalRunUpload(promptfooResults, query, NOW)).toThrow(
      message,
    );
  });

  it('names the promptfoo field that is wrong', () => {
    const broken = JSON.parse(JSON.stringify(promptfooResults));
    broken.results.results[2].success = 'yes';
    broken.results.results[3].failureReason = 3;
    expect(() => parseEvalRunUpload(broken, BINDING, NOW)).toThrow(
      /Invalid promptfoo output: 'results.results.2.success': expected true or false; 'results.results.3.failureReason': expected 0 \(passed\), 1 \(an assertion failed\) or 2 \(provider error\)/,
    );
  });

  it('reads the generic format', () => {
    expect(parseEvalRunUpload(generic(), {}, NOW)).toEqual({
      entityRef: 'agent:default/checkout-agent',
      suite: 'safety',
      suiteVersion: 'v3',
      runId: 'ci-1234',
      source: 'generic',
      score: 0.91,
      passed: 91,
      failed: 9,
      errors: 0,
      total: 100,
      metrics: {},
      startedAt: new Date('2026-11-23T09:00:00Z'),
      finishedAt: null,
    });
  });

  it('reads errors and named metrics of the generic format', () => {
    expect(
      parseEvalRunUpload(
        generic({
          errors: 4,
          metrics: { helpfulness: 0.8, 'safety/refusals': 1 },
        }),
        {},
        NOW,
      ),
    ).toMatchObject({
      passed: 91,
      failed: 9,
      errors: 4,
      total: 104,
      metrics: { helpfulness: 0.8, 'safety/refusals': 1 },
    });
  });

  it.each([
    [{ score: 1.5 }, /'score': expected a number between 0 and 1/],
    [
      { errors: 1.5 },
      /'errors': expected the number of tests that did not run \(errors\) as an integer >= 0/,
    ],
    [{ metrics: { tone: 'high' } }, /'metrics.tone': expected a finite number/],
    [
      { metrics: { '': 1 } },
      /'metrics': expected every metric name as a non-empty string/,
    ],
    [{ passed: -1 }, /'passed': expected the number of passed tests/],
    [{ runId: undefined }, /'runId': expected the run id/],
    [{ startedAt: 'yesterday' }, /'startedAt': expected an ISO 8601 date-time/],
  ])('rejects the generic run %j', (overrides, message) => {
    expect(() => parseEvalRunUpload(generic(overrides), {}, NOW)).toThrow(
      message,
    );
  });

  it('rejects an entity ref without a kind', () => {
    expect(() =>
      parseEvalRunUpload(generic({ entityRef: 'checkout-agent' }), {}, NOW),
    ).toThrow(InputError);
    expect(() =>
      parseEvalRunUpload(generic({ entityRef: 'checkout-agent' }), {}, NOW),
    ).toThrow(
      /Invalid entity ref 'checkout-agent', expected kind:namespace\/name/,
    );
  });
});
