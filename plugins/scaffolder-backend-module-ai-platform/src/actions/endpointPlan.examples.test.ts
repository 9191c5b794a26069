import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { readDemoAiPlatformConfig } from '../__testUtils__/platformConfig';
import { createAiPlatformEndpointPlanAction } from './endpointPlan';
import { examples as planExamples } from './endpointPlan.examples';
import { createAiPlatformEndpointRenderAction } from './endpointRender';
import { examples as renderExamples } from './endpointRender.examples';

const config = new ConfigReader({ aiPlatform: readDemoAiPlatformConfig() });
const demoEntities = yaml
  .parseAllDocuments(
    readFileSync(
      path.resolve(__dirname, '../../../../examples/model-endpoints.yaml'),
      'utf8',
    ),
  )
  .map(doc => doc.toJS());

function outputs(ctx: { output: unknown }): Record<string, any> {
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
}

describe('ai-platform:endpoint:plan and render examples (demo config and catalog)', () => {
  const workspace = createMockDirectory();
  const planAction = createAiPlatformEndpointPlanAction({
    config,
    catalog: catalogServiceMock({ entities: demoEntities }),
  });
  const renderAction = createAiPlatformEndpointRenderAction({ config });

  it('are attached to the actions', () => {
    expect(planAction.examples).toBe(planExamples);
    expect(renderAction.examples).toBe(renderExamples);
  });

  it.each(planExamples.map(e => [e.description, e]))(
    'plan example is approved: %s',
    async (_description, example) => {
      const step = yaml.parse(example.example).steps[0];
      const ctx = createMockActionContext({
        input: step.input,
        logger: mockServices.logger.mock(),
      });
      await planAction.handler(ctx as any);
      expect(outputs(ctx).approved).toBe(true);
    },
  );

  it('render example renders the planned endpoint', async () => {
    workspace.clear();
    const steps = yaml.parse(renderExamples[0].example).steps;
    const planCtx = createMockActionContext({
      input: steps[0].input,
      logger: mockServices.logger.mock(),
    });
    await planAction.handler(planCtx as any);
    const renderCtx = createMockActionContext({
      input: { ...steps[1].input, plan: outputs(planCtx).plan },
      workspacePath: workspace.path,
      logger: mockServices.logger.mock(),
    });
    await renderAction.handler(renderCtx as any);
    expect(outputs(renderCtx).kinds).toEqual([
      'Deployment',
      'Service',
      'ScaledObject',
      'PodDisruptionBudget',
      'ServiceMonitor',
    ]);
    expect(steps[2].action).toBe('ai-platform:gitops:commit');
  });
});
