import fs from 'node:fs';
import path from 'node:path';
import promptfooOutput from './__fixtures__/promptfoo-0.123-provider-error.json';
import { parseEvalRunUpload } from './parseEvalRunUpload';

const NOW = new Date('2026-12-05T00:00:00.000Z');
const BINDING = {
  entityRef: 'Agent:default/Checkout-Agent',
  suite: 'safety',
  suiteVersion: 'v4',
};
const JSONL = fs.readFileSync(
  path.join(__dirname, '__fixtures__', 'promptfoo-0.123-provider-error.jsonl'),
  'utf8',
);

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

describe('promptfoo uploads', () => {
  it('counts provider errors apart from assertion failures in real 0.123 JSON output', () => {
    const run = parseEvalRunUpload(promptfooOutput, BINDING, NOW);
    expect(run).toEqual({
      entityRef: 'agent:default/checkout-agent',
      suite: 'safety',
      suiteVersion: 'v4',
      runId: 'eval-D6h-2026-12-04T20:49:15',
      source: 'promptfoo',
      // The mean score of the 4 tests that ran: (1 + 0.75 + 0.5 + 1) / 4.
      score: 0.8125,
      passed: 3,
      failed: 1,
      errors: 1,
      total: 5,
      metrics: { helpfulness: 1, concision: 0.75, safety: 0.5 },
      startedAt: new Date('2026-12-04T20:49:15.725Z'),
      finishedAt: new Date('2026-12-04T20:49:15.781Z'),
    });
  });

  it("agrees with promptfoo's own summary of the same run", () => {
    const run = parseEvalRunUpload(promptfooOutput, BINDING, NOW);
    const { stats, prompts } = promptfooOutput.results;
    expect([run.passed, run.failed, run.errors]).toEqual([
      stats.successes,
      stats.failures,
      stats.errors,
    ]);
    // promptfoo sums the scores of its single prompt's tests (an errored
    // test adds 0) and counts its assertions per named metric.
    const metrics = prompts[0].metrics;
    expect(run.score).toBe(
      metrics.score / (metrics.testPassCount + metrics.testFailCount),
    );
    const names = Object.keys(metrics.namedScores) as Array<
      keyof typeof metrics.namedScores
    >;
    expect(Object.keys(run.metrics!).sort()).toEqual([...names].sort());
    for (const name of names) {
      expect(run.metrics![name]).toBeCloseTo(
        metrics.namedScores[name] / metrics.namedScoresCount[name],
        12,
      );
    }
  });

  it('reads the JSONL output of the same run to the same run', () => {
    const fromJson = parseEvalRunUpload(promptfooOutput, BINDING, NOW);
    const fromJsonl = parseEvalRunUpload(
      JSONL,
      {
        ...BINDING,
        runId: promptfooOutput.evalId,
        startedAt: promptfooOutput.results.timestamp,
        finishedAt: promptfooOutput.metadata.exportedAt,
      },
      NOW,
    );
    expect(fromJsonl).toEqual(fromJson);
  });

  it('starts a JSONL run at the upload unless told, and needs its run id', () => {
    const run = parseEvalRunUpload(JSONL, { ...BINDING, runId: 'ci-77' }, NOW);
    expect(run).toMatchObject({ runId: 'ci-77', startedAt: NOW });
    expect(run.finishedAt).toBeNull();
    expect(() => parseEvalRunUpload(JSONL, BINDING, NOW)).toThrow(
      /^Invalid promptfoo JSONL upload: 'runId': expected the run id \(promptfoo's evalId\) as a query parameter/,
    );
    expect(() =>
      parseEvalRunUpload(JSONL, { suite: 's', suiteVersion: '1' }, NOW),
    ).toThrow(/'entityRef': expected an entity ref/);
  });

  it('names the JSONL line that is wrong', () => {
    const lines = JSONL.trim().split('\n');
    const bad = JSON.parse(lines[2]);
    bad.success = 'no';
    const query = { ...BINDING, runId: 'r' };
    expect(() =>
      parseEvalRunUpload(
        [lines[0], lines[1], JSON.stringify(bad)].join('\n'),
        query,
        NOW,
      ),
    ).toThrow(
      /^Invalid promptfoo JSONL output: 'line 3: success': expected true or false$/,
    );
    expect(() =>
      parseEvalRunUpload(`${lines[0]}\n{"success": tru`, query, NOW),
    ).toThrow(
      /^Invalid promptfoo JSONL output: 'line 2': expected one JSON object \(a test result\) per line$/,
    );
    expect(() => parseEvalRunUpload('\n\n', query, NOW)).toThrow(
      /expected at least one test result line/,
    );
  });

  it('refuses a run in which no test ran', () => {
    const allErrors = copy(promptfooOutput);
    for (const result of allErrors.results.results) {
      Object.assign(result, { success: false, score: 0, failureReason: 2 });
    }
    expect(() => parseEvalRunUpload(allErrors, BINDING, NOW)).toThrow(
      /^Invalid promptfoo output: all 5 results are provider errors \(failureReason 2\); no test ran, so the run has no score$/,
    );
  });

  it('counts a failed result without failureReason (older promptfoo) as failed', () => {
    const older = copy(promptfooOutput);
    for (const result of older.results.results) {
      delete (result as { failureReason?: number }).failureReason;
    }
    expect(parseEvalRunUpload(older, BINDING, NOW)).toMatchObject({
      passed: 3,
      failed: 2,
      errors: 0,
      total: 5,
      score: 3.25 / 5,
    });
  });

  it('names a named score that is not a number', () => {
    const broken = copy(promptfooOutput);
    (broken.results.results[1].namedScores as Record<string, unknown>).tone =
      'high';
    expect(() => parseEvalRunUpload(broken, BINDING, NOW)).toThrow(
      /^Invalid promptfoo output: 'results.results.1.namedScores.tone': expected a finite number$/,
    );
  });

  it('refuses more named metrics than a run keeps', () => {
    const many = copy(promptfooOutput);
    many.results.results[0].namedScores = Object.fromEntries(
      Array.from({ length: 65 }, (_, i) => [`metric-${i}`, 1]),
    ) as (typeof many.results.results)[0]['namedScores'];
    expect(() => parseEvalRunUpload(many, BINDING, NOW)).toThrow(
      /^Invalid promptfoo output: 'results.results\[\].namedScores': expected at most 64 named metrics, got 68$/,
    );
  });
});
