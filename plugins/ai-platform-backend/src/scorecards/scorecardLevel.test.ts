import { DEFAULT_SCORECARD_LEVELS, scorecardLevelOf } from './scorecardConfig';
import {
  ScorecardCheckResult,
  ScorecardCheckStatus,
  scorecardCheckCategoryOf,
} from './types';

function check(
  checkId: string,
  status: ScorecardCheckStatus,
): ScorecardCheckResult {
  return {
    checkId,
    category: scorecardCheckCategoryOf(checkId),
    status,
    value: status === 'not-enough-data' ? null : 1,
    threshold: 1,
    window: '24h',
    message: `${checkId} ${status}`,
    source: 'telemetry-store',
  };
}

const levelOf = (...checks: ScorecardCheckResult[]) =>
  scorecardLevelOf(checks, DEFAULT_SCORECARD_LEVELS);

describe('scorecardLevelOf with the default ladder', () => {
  it('gives no level without checks', () => {
    expect(levelOf()).toBeNull();
  });

  it('gives no level when nothing has been measured yet', () => {
    // A new agent with evals but no budget, no SLO and no eval run: it has
    // nothing to fail, and that is not silver.
    expect(levelOf(check('eval:golden-set', 'not-enough-data'))).toBeNull();
    expect(
      levelOf(
        check('ttft-p95', 'not-enough-data'),
        check('eval:golden-set', 'not-enough-data'),
      ),
    ).toBeNull();
  });

  it('grades once at least one check is measured', () => {
    expect(levelOf(check('budget-mtd', 'pass'))).toBe('gold');
    expect(
      levelOf(check('budget-mtd', 'pass'), check('ttft-p95', 'fail')),
    ).toBe('bronze');
    expect(
      levelOf(
        check('budget-mtd', 'warn'),
        check('ttft-p95', 'not-enough-data'),
        check('eval:golden-set', 'pass'),
      ),
    ).toBe('silver');
    // No budget in the spec: the budget levels hold vacuously.
    expect(
      levelOf(check('ttft-p95', 'pass'), check('eval:golden-set', 'pass')),
    ).toBe('gold');
    expect(levelOf(check('budget-mtd', 'fail'))).toBeNull();
  });

  it('treats an unavailable source like missing data', () => {
    expect(
      levelOf(
        check('budget-mtd', 'pass'),
        check('ttft-p95', 'source-unavailable'),
      ),
    ).toBe('silver');
  });
});
