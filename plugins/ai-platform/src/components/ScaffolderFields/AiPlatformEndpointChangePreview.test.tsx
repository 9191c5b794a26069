import type { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { screen, within } from '@testing-library/react';
import { aiPlatformApiRef, type PlanningPreviewRequest } from '../../api';
import { createMockAiPlatformApi } from '../../__testUtils__/mockAiPlatformApi';
import { AiPlatformEndpointChangePreview } from './AiPlatformEndpointChangePreview';

/** A ModelEndpoint as the self-hosted golden path commits it: 1 to 2 L4 replicas. */
function goldenPathEndpoint(
  replicas = { min: 1, max: 2 },
  shape: Record<string, unknown> = {
    contextTokens: 8192,
    maxConcurrentSequences: 1,
    tensorParallelSize: 1,
  },
): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: {
      name: 'llama-8b-chat',
      namespace: 'default',
      annotations: {
        'backstage.io/source-template': 'template:default/self-hosted-endpoint',
        'aiplatform.io/endpoint-request': JSON.stringify(shape),
      },
    },
    spec: {
      type: 'chat',
      lifecycle: 'experimental',
      owner: 'group:default/ml-platform',
      model: { name: 'meta-llama/Llama-3.1-8B-Instruct' },
      serving: {
        mode: 'self-hosted',
        runtime: 'vllm',
        cluster: 'gpu-eu-west-1',
        gpuProfile: 'l4-24gb',
        replicas,
      },
      dataClassification: 'internal',
    },
  };
}

/** A planning preview that prices L4 replicas (0.80 USD × 730 h) against a quota of 4 GPUs. */
function previewApi() {
  return createMockAiPlatformApi({
    previewEndpointPlan: async (request: PlanningPreviewRequest) => {
      const replicas = request.replicas ?? { min: 1, max: 1 };
      const gpus = replicas.max * (request.tensorParallelSize ?? 1);
      const overQuota = gpus > 4;
      return {
        approved: !overQuota,
        fits: true,
        contextTokens: request.contextTokens ?? 8192,
        maxConcurrentSequences: request.maxConcurrentSequences ?? 1,
        tensorParallelSize: request.tensorParallelSize ?? 1,
        replicas,
        cost: {
          gpuHourUsd: 0.8,
          gpusPerReplica: 1,
          hoursPerMonth: 730,
          monthlyMinUsd: 584 * replicas.min,
          monthlyMaxUsd: 584 * replicas.max,
        },
        decisions: [
          overQuota
            ? {
                rule: 'gpu-quota',
                outcome: 'fail' as const,
                message: `this endpoint adds ${gpus}: ${gpus} exceeds the quota of 4`,
              }
            : {
                rule: 'gpu-quota',
                outcome: 'pass' as const,
                message: `${gpus} of 4 quota`,
              },
        ],
        deferredChecks: [
          { rule: 'policy:max-eight-replicas', message: 'CEL policy' },
        ],
      };
    },
  });
}

function renderPreview(
  entity: Entity,
  formValues: Record<string, unknown>,
  api = previewApi(),
) {
  const props = {
    name: 'changePreview',
    formData: undefined,
    onChange: () => {},
    schema: { type: 'string', title: 'Before → after' },
    uiSchema: {},
    idSchema: { $id: 'root_changePreview' },
    formContext: {
      formData: {
        entityRef: 'modelendpoint:default/llama-8b-chat',
        ...formValues,
      },
    },
    rawErrors: [],
    required: false,
    disabled: false,
    readonly: false,
    errorSchema: {},
    registry: {},
  } as unknown as FieldExtensionComponentProps<string>;
  renderInTestApp(<AiPlatformEndpointChangePreview {...props} />, {
    apis: [
      [aiPlatformApiRef, api],
      [catalogApiRef, catalogApiMock({ entities: [entity] })],
    ],
  });
  return api;
}

describe('AiPlatformEndpointChangePreview', () => {
  it('scale: shows replicas before → after and the monthly cost delta, previewing both with the endpoint name so its GPUs count once', async () => {
    const api = renderPreview(goldenPathEndpoint(), {
      operation: 'scale',
      minReplicas: 1,
      maxReplicas: 4,
    });

    const table = await screen.findByRole('table', {
      name: 'Before and after',
    });
    expect(
      within(table)
        .getAllByRole('row')
        .map(row => row.textContent),
    ).toEqual(['FieldBeforeAfter', 'replicas.max24']);
    expect(screen.getByText(/^Monthly cost at max replicas:/).textContent).toBe(
      'Monthly cost at max replicas: 1,168.00 USD → 2,336.00 USD (+1,168.00 USD); at min replicas: 584.00 USD → 584.00 USD (±0.00 USD)',
    );
    expect(screen.queryByText(/The plan refuses this change/)).toBeNull();
    expect(api.previewEndpointPlan).toHaveBeenCalledTimes(2);
    expect(api.previewEndpointPlan).toHaveBeenCalledWith({
      name: 'llama-8b-chat',
      owner: 'group:default/ml-platform',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      gpuProfile: 'l4-24gb',
      cluster: 'gpu-eu-west-1',
      dataClassification: 'internal',
      runtime: 'vllm',
      contextTokens: 8192,
      maxConcurrentSequences: 1,
      tensorParallelSize: 1,
      replicas: { min: 1, max: 4 },
    });
  });

  it('scale: a change the plan refuses says so before the task runs, naming the rule', async () => {
    renderPreview(goldenPathEndpoint(), {
      operation: 'scale',
      maxReplicas: 5,
    });

    expect(
      await screen.findByText(/The plan refuses this change/),
    ).toHaveTextContent(
      'gpu-quota: this endpoint adds 5: 5 exceeds the quota of 4',
    );
  });

  it('pause: 0 replicas cost nothing', async () => {
    renderPreview(goldenPathEndpoint(), { operation: 'pause' });
    expect(
      (await screen.findByText(/^Monthly cost at max replicas:/)).textContent,
    ).toContain('at max replicas: 1,168.00 USD → 0.00 USD (−1,168.00 USD)');
  });

  it('resume: previews the replicas recorded at the pause', async () => {
    const api = renderPreview(
      goldenPathEndpoint(
        { min: 0, max: 0 },
        {
          contextTokens: 8192,
          tensorParallelSize: 1,
          pausedFrom: { min: 1, max: 3 },
        },
      ),
      { operation: 'resume' },
    );
    expect(
      (await screen.findByText(/^Monthly cost at max replicas:/)).textContent,
    ).toContain('at max replicas: 0.00 USD → 1,752.00 USD (+1,752.00 USD)');
    // The paused endpoint itself is not previewed (0 replicas), only the resumed one.
    expect(api.previewEndpointPlan).toHaveBeenCalledTimes(1);
    expect(api.previewEndpointPlan.mock.calls[0][0].replicas).toEqual({
      min: 1,
      max: 3,
    });
  });

  it('says why a paused endpoint cannot be scaled', async () => {
    renderPreview(goldenPathEndpoint({ min: 0, max: 0 }), {
      operation: 'scale',
      maxReplicas: 3,
    });
    expect(
      await screen.findByText('llama-8b-chat is paused; resume it first.'),
    ).toBeInTheDocument();
  });

  it('change: a managed endpoint previews its model revision, with no GPU cost', async () => {
    const managed: Entity = {
      apiVersion: 'aiplatform.io/v1alpha1',
      kind: 'ModelEndpoint',
      metadata: { name: 'llama-8b-chat', namespace: 'default' },
      spec: {
        type: 'chat',
        lifecycle: 'production',
        owner: 'group:default/ml-platform',
        model: { name: 'gpt-4o-mini' },
        serving: { mode: 'managed', provider: 'openai' },
        dataClassification: 'internal',
      },
    };
    const api = renderPreview(managed, {
      operation: 'change',
      model: 'gpt-4o-mini-2024-07-18',
    });
    expect(
      await screen.findByText('model: gpt-4o-mini → gpt-4o-mini-2024-07-18'),
    ).toBeInTheDocument();
    expect(screen.getByText(/^No GPU cost/)).toBeInTheDocument();
    expect(api.previewEndpointPlan).not.toHaveBeenCalled();
  });
});
