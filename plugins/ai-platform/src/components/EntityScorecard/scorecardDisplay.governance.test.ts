import type { ScorecardCheck } from '../../api';
import { formatCheckSource, groupChecksIntoPanels } from './scorecardDisplay';

function check(checkId: string, category: ScorecardCheck['category']) {
  return {
    checkId,
    category,
    status: 'fail',
    value: null,
    threshold: null,
    window: 'current-spec',
    message: 'L4 agent without an eval suite',
    source: 'entity-spec',
  } as ScorecardCheck;
}

describe('the Governance panel of the scorecard tab', () => {
  it('holds the governance checks under its own title, not "Other checks"', () => {
    const panels = groupChecksIntoPanels(
      [
        check('governance:eval-suite', 'governance'),
        check('governance:slo', 'governance'),
      ],
      { agent: true },
    );
    const titles = panels.map(({ panel }) => panel.title);
    expect(titles).toContain('Governance');
    expect(titles).not.toContain('Other checks');
    expect(
      panels
        .find(({ panel }) => panel.id === 'governance')!
        .checks.map(c => c.checkId),
    ).toEqual(['governance:eval-suite', 'governance:slo']);
    expect(formatCheckSource('entity-spec', 'governance')).toBe(
      'from the entity spec',
    );
  });

  it('is left out when no requirement applies', () => {
    const panels = groupChecksIntoPanels([], { agent: true });
    expect(panels.map(({ panel }) => panel.id)).not.toContain('governance');
  });
});
