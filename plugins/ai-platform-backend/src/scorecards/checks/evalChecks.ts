import { AgentEvalRequirement } from '@ai-platform/plugin-ai-platform-common';
import {
  EvalRunStore,
  ScorecardCheckResult,
  ScorecardCheckStatus,
} from '../types';
import { round } from './checkFormat';

/** Eval runs of one suite version read for the regression check. */
const REGRESSION_RUNS = 2;

/**
 * `eval:<suite>` (the latest run's score against `minScore`) and
 * `eval-regression:<suite>` (its drop against the previous run of the same
 * suite version).
 *
 * @internal
 */
export async function evalChecks(options: {
  evalRunStore: EvalRunStore;
  evalRegressionTolerance: number;
  entityRef: string;
  requirement: AgentEvalRequirement;
}): Promise<ScorecardCheckResult[]> {
  const { evalRunStore, entityRef, requirement } = options;
  const config = { evalRegressionTolerance: options.evalRegressionTolerance };

  const { suite, minScore } = requirement;
  const [latest] = await evalRunStore.listEvalRuns({
    entityRef,
    suite,
    limit: 1,
  });
  if (!latest) {
    const message = `No run of eval suite '${suite}' was reported for this entity`;
    return [
      {
        checkId: `eval:${suite}`,
        category: 'eval',
        status: 'not-enough-data',
        value: null,
        threshold: minScore,
        window: 'latest-run',
        source: 'telemetry-store',
        message,
      },
      {
        checkId: `eval-regression:${suite}`,
        category: 'eval',
        status: 'not-enough-data',
        value: null,
        threshold: config.evalRegressionTolerance,
        window: 'latest-vs-previous-run',
        source: 'telemetry-store',
        message,
      },
    ];
  }

  const scoreStatus: ScorecardCheckStatus =
    latest.score >= minScore ? 'pass' : 'fail';
  const checks: ScorecardCheckResult[] = [
    {
      checkId: `eval:${suite}`,
      category: 'eval',
      status: scoreStatus,
      value: latest.score,
      threshold: minScore,
      window: 'latest-run',
      source: 'telemetry-store',
      message: `Run ${latest.runId} of '${suite}' ${
        latest.suiteVersion
      } scored ${round(latest.score, 3)} (${latest.passed}/${
        latest.total
      } passed); the minimum is ${minScore}`,
    },
  ];

  const [, previous] = await evalRunStore.listEvalRuns({
    entityRef,
    suite,
    suiteVersion: latest.suiteVersion,
    limit: REGRESSION_RUNS,
  });
  const tolerance = config.evalRegressionTolerance;
  if (!previous) {
    checks.push({
      checkId: `eval-regression:${suite}`,
      category: 'eval',
      status: 'not-enough-data',
      value: null,
      threshold: tolerance,
      window: 'latest-vs-previous-run',
      source: 'telemetry-store',
      message: `No earlier run of '${suite}' ${latest.suiteVersion} to compare run ${latest.runId} with`,
    });
  } else {
    const dropScore = round(previous.score - latest.score, 6);
    checks.push({
      checkId: `eval-regression:${suite}`,
      category: 'eval',
      status: dropScore > tolerance ? 'fail' : 'pass',
      value: dropScore,
      threshold: tolerance,
      window: 'latest-vs-previous-run',
      source: 'telemetry-store',
      message:
        dropScore > 0
          ? `Score of '${suite}' ${latest.suiteVersion} dropped by ${round(
              dropScore,
              3,
            )} from ${round(previous.score, 3)} (run ${
              previous.runId
            }) to ${round(latest.score, 3)} (run ${
              latest.runId
            }); the tolerance is ${tolerance}`
          : `Score of '${suite}' ${latest.suiteVersion} did not drop: ${round(
              previous.score,
              3,
            )} (run ${previous.runId}) → ${round(latest.score, 3)} (run ${
              latest.runId
            })`,
    });
  }
  return checks;
}
