import { InputError } from '@backstage/errors';
import { parseApprovalInput, readCommittedEntity } from './approvalInput';

describe('parseApprovalInput', () => {
  it('reads the governance output of the validate and plan actions', () => {
    expect(
      parseApprovalInput({
        approvalRequired: true,
        approvalReasons: ['L4 agents need approval'],
        requirements: [
          {
            id: 'eval-suite',
            status: 'met',
            rule: 'governance:eval-suite (L3+)',
            message: 'eval suite with minScore 0.9',
            howToSatisfy: '',
          },
          {
            id: 'approval-autonomy-risk',
            status: 'unmet',
            rule: 'governance:approval-autonomy-risk',
            message: 'L4 agent needs approval',
            howToSatisfy: '',
          },
        ],
        summary: 'Agent refund-resolver',
      }),
    ).toEqual({
      required: true,
      reasons: ['L4 agents need approval'],
      summary: 'Agent refund-resolver',
      policyResults: [
        {
          rule: 'governance:eval-suite (L3+)',
          passed: true,
          message: 'eval suite with minScore 0.9',
        },
        {
          rule: 'governance:approval-autonomy-risk',
          passed: false,
          message: 'L4 agent needs approval',
        },
      ],
      entityRef: undefined,
    });
  });

  it('reads { required, reasons } and treats a missing or empty input as not required', () => {
    expect(
      parseApprovalInput({ required: 'true', reasons: ['x'] }),
    ).toMatchObject({ required: true, reasons: ['x'] });
    expect(parseApprovalInput(undefined).required).toBe(false);
    // A template expression of a missing output renders as ''.
    expect(
      parseApprovalInput({ approvalRequired: '', approvalReasons: '' }),
    ).toMatchObject({ required: false, reasons: [] });
  });

  it('names the bad field', () => {
    expect(() => parseApprovalInput({ required: 'yes' })).toThrow(
      new InputError('approval.required must be true or false, got "yes"'),
    );
    expect(() => parseApprovalInput({ reasons: [1] })).toThrow(
      'approval.reasons must be a list of strings',
    );
    expect(() =>
      parseApprovalInput({ policyResults: [{ passed: true }] }),
    ).toThrow('approval.policyResults[0] needs a rule (or id) and a message');
    expect(() => parseApprovalInput('yes')).toThrow(
      'approval must be an object such as { required: true, reasons: [...] }',
    );
  });
});

describe('readCommittedEntity', () => {
  const file = (content: string) => ({
    relativePath: 'catalog-info.yaml',
    content: Buffer.from(content),
  });

  it('reads the ref and risk tier of the committed catalog-info.yaml', () => {
    expect(
      readCommittedEntity([
        file(
          'apiVersion: aiplatform.io/v1alpha1\nkind: Agent\nmetadata:\n  name: Refund-Resolver\nspec:\n  riskTier: high\n',
        ),
      ]),
    ).toEqual({
      entityRef: 'agent:default/refund-resolver',
      name: 'refund-resolver',
      riskTier: 'high',
    });
  });

  it('takes an explicit ref, and gives up without one or a catalog-info.yaml', () => {
    expect(readCommittedEntity([], 'modelendpoint:team/llama')).toEqual({
      entityRef: 'modelendpoint:team/llama',
      name: 'llama',
      riskTier: undefined,
    });
    expect(readCommittedEntity([file(': not yaml [')])).toBeUndefined();
  });
});
