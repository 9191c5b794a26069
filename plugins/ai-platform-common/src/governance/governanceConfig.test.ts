import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_GOVERNANCE_REQUIREMENTS,
  readGovernanceConfig,
} from './governanceConfig';

describe('readGovernanceConfig', () => {
  it('applies the documented defaults when the block is absent', () => {
    const config = readGovernanceConfig(new ConfigReader({}));
    expect(config.approverGroups).toEqual(['group:default/ml-platform']);
    expect(config.requirements).toEqual(DEFAULT_GOVERNANCE_REQUIREMENTS);
  });

  it('defaults the approver groups to the platform groups', () => {
    const config = readGovernanceConfig(
      new ConfigReader({
        aiPlatform: { permissions: { platformGroups: ['platform-admins'] } },
      }),
    );
    expect(config.approverGroups).toEqual(['group:default/platform-admins']);
  });

  it('replaces the defaults with a configured list', () => {
    const config = readGovernanceConfig(
      new ConfigReader({
        aiPlatform: {
          governance: {
            requirements: [
              { id: 'all-budget', control: 'budget' },
            ],
          },
        },
      }),
    );
    expect(config.requirements).toEqual([
      {
        id: 'all-budget',
        control: 'budget',
        appliesTo: { kinds: ['Agent', 'ModelEndpoint'] },
      },
    ]);
  });

  it('reports every problem at once, each naming its key', () => {
    expect(() =>
      readGovernanceConfig(
        new ConfigReader({
          aiPlatform: {
            governance: {
              requirements: [
                { id: 'a', appliesTo: { minAutonomyLevel: 'L7' }, control: 'budget' },
                { id: 'b', control: 'shout' },
                { id: 'c', control: 'budget', appliesTo: { riskTier: ['high'] } },
              ],
              approvers: [],
            },
          },
        }),
      ),
    ).toThrow(
      /aiPlatform\.governance\.requirements\[0\]\.appliesTo\.minAutonomyLevel:[\s\S]*aiPlatform\.governance\.requirements\[1\]\.control:[\s\S]*aiPlatform\.governance\.requirements\[2\]\.appliesTo: .*riskTier[\s\S]*aiPlatform\.governance: .*approvers/,
    );
  });

  it('checks CEL expressions, expression messages, duplicates and group refs', () => {
    let message = '';
    try {
      readGovernanceConfig(
        new ConfigReader({
          aiPlatform: {
            governance: {
              approverGroups: ['user:default/guest'],
              requirements: [
                { id: 'x', control: 'expression', expression: 'spec.owner ==' },
                { id: 'x', control: 'budget', expression: 'true' },
                {
                  id: 'y',
                  control: 'slo',
                  appliesTo: { expression: '(((' },
                },
              ],
            },
          },
        }),
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'Invalid AI Platform config:',
      "- aiPlatform.governance.requirements: 'x' is defined more than once",
      "- aiPlatform.governance.requirements[0].message: is required when control is 'expression' (what is wrong when the expression is false)",
      expect.stringMatching(
        /^- aiPlatform\.governance\.requirements\[0\]\.expression: not a valid CEL expression: /,
      ),
      "- aiPlatform.governance.requirements[1].expression: only allowed with control 'expression' (got control 'budget'); use appliesTo.expression to choose the entities",
      expect.stringMatching(
        /^- aiPlatform\.governance\.requirements\[2\]\.appliesTo\.expression: not a valid CEL expression: /,
      ),
      "- aiPlatform.governance.approverGroups[0]: 'user:default/guest' must be a group reference like group:default/ml-platform",
    ]);
  });
});

describe('readGovernanceConfig beside the approval gate keys', () => {
  it('leaves aiPlatform.governance.retention to the backend', () => {
    expect(
      readGovernanceConfig(
        new ConfigReader({
          aiPlatform: {
            governance: { retention: { audit: { defaultDays: 180 } } },
          },
        }),
      ).requirements,
    ).toEqual(DEFAULT_GOVERNANCE_REQUIREMENTS);
  });
});
