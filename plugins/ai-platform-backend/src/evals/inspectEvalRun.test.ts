import inspectLog from './__fixtures__/inspect-eval-log-v2.json';
import { parseEvalRunUpload } from './parseEvalRunUpload';

const NOW = new Date('2026-12-05T00:00:00.000Z');
const QUERY = { entityRef: 'Agent:default/Checkout-Agent' };

/** A copy of the fixture to edit: any field may be changed or deleted. */
type Log = Record<string, any>;

function log(edit: (copy: Log) => void = () => {}): Log {
  const copy = JSON.parse(JSON.stringify(inspectLog));
  edit(copy);
  return copy;
}

describe('Inspect AI eval log uploads', () => {
  it('maps a version 2 JSON log to a run', () => {
    expect(parseEvalRunUpload(inspectLog, QUERY, NOW)).toEqual({
      entityRef: 'agent:default/checkout-agent',
      suite: 'checkout_safety',
      suiteVersion: '3',
      runId: 'Ua7VnQZ3cDkXo8Jh2pYbWe',
      source: 'inspect',
      // The first scorer's accuracy.
      score: 0.7,
      // 'C' on the first scorer (match); 'I' and 'P' are not a pass.
      passed: 3,
      failed: 2,
      // The sample with an error.
      errors: 1,
      total: 6,
      metrics: {
        'match/accuracy': 0.7,
        'match/stderr': 0.2,
        'model_graded_fact/accuracy': 0.8,
        'model_graded_fact/stderr': 0.2,
      },
      startedAt: new Date('2026-11-23T09:58:10.000Z'),
      finishedAt: new Date('2026-11-23T09:59:02.512Z'),
    });
  });

  it("agrees with the log's own sample counts", () => {
    const run = parseEvalRunUpload(inspectLog, QUERY, NOW);
    const { results } = inspectLog;
    expect(run.total).toBe(results.total_samples);
    expect(run.passed + run.failed).toBe(results.completed_samples);
    expect(run.passed + run.failed).toBe(results.scores[0].scored_samples);
  });

  it('takes suite, version and run id from the query over the log', () => {
    expect(
      parseEvalRunUpload(
        inspectLog,
        { ...QUERY, suite: 'safety', suiteVersion: 'v3', runId: 'ci-9' },
        NOW,
      ),
    ).toMatchObject({ suite: 'safety', suiteVersion: 'v3', runId: 'ci-9' });
  });

  it('uses the run id of a log without an eval id, and the creation time without stats', () => {
    const older = log(copy => {
      delete copy.eval.eval_id;
      delete copy.stats;
    });
    expect(parseEvalRunUpload(older, QUERY, NOW)).toMatchObject({
      runId: 'kRf4T9sLmN2vB6xQ8wYzA3',
      startedAt: new Date('2026-11-23T09:58:10.000Z'),
      finishedAt: null,
    });
  });

  it("scores by the first scorer's mean when it has no accuracy, and leaves out null metrics", () => {
    const meanOnly = log(copy => {
      copy.results.scores[0].metrics = {
        mean: { name: 'mean', value: 0.64, params: {} },
        stderr: { name: 'stderr', value: null, params: {} },
      };
    });
    const run = parseEvalRunUpload(meanOnly, QUERY, NOW);
    expect(run.score).toBe(0.64);
    expect(run.metrics).toEqual({
      'match/mean': 0.64,
      'model_graded_fact/accuracy': 0.8,
      'model_graded_fact/stderr': 0.2,
    });
  });

  it('judges boolean, numeric and dict sample values', () => {
    const values: unknown[] = [true, 1, { match: 'C', other: 'I' }, false, 0.5];
    const mixed = log(copy => {
      values.forEach((value, i) => {
        copy.samples[i].scores.match.value = value;
      });
    });
    expect(parseEvalRunUpload(mixed, QUERY, NOW)).toMatchObject({
      passed: 3,
      failed: 2,
      errors: 1,
    });
  });

  it.each([
    [
      'another format version',
      (copy: Log) => {
        copy.version = 1;
      },
      /^Invalid Inspect AI eval log: 'version': expected 2 \(the Inspect AI JSON eval log format version 2\)$/,
    ],
    [
      'an eval that errored',
      (copy: Log) => {
        copy.status = 'error';
      },
      /'status': expected 'success': a log of an eval that errored, was cancelled or is still running is not a finished run/,
    ],
    [
      'a log without samples',
      (copy: Log) => {
        delete copy.samples;
      },
      /'samples': expected the array of samples \(a log written without samples has no per-sample results\)/,
    ],
    [
      'a first scorer without accuracy or mean',
      (copy: Log) => {
        copy.results.scores[0].metrics = {};
      },
      /^Invalid Inspect AI eval log: 'results.scores.0.metrics': expected an 'accuracy' or 'mean' metric of the first scorer \('match'\)/,
    ],
    [
      'an accuracy above 1',
      (copy: Log) => {
        copy.results.scores[0].metrics.accuracy.value = 70;
      },
      /'results.scores.0.metrics.accuracy.value': expected a score between 0 and 1, got 70/,
    ],
    [
      'a start far in the future',
      (copy: Log) => {
        copy.stats.started_at = '2027-06-01T00:00:00+00:00';
      },
      /^Invalid Inspect AI eval log: 'stats.started_at': 2027-06-01T00:00:00.000Z is outside the accepted range/,
    ],
  ])('names the field of %s', (_name, edit, message) => {
    expect(() => parseEvalRunUpload(log(edit), QUERY, NOW)).toThrow(message);
  });

  it('needs the entity ref', () => {
    expect(() => parseEvalRunUpload(inspectLog, {}, NOW)).toThrow(
      /^Invalid Inspect AI upload \(pass entityRef as a query parameter; suite and suiteVersion default to the task and its version\): 'entityRef': expected an entity ref/,
    );
  });
});
