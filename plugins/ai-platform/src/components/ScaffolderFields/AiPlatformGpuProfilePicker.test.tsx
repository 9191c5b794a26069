import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  backendResponseError,
  createMockAiPlatformApi,
  llama8bLongContextOnL4Preview,
  planningOptions,
} from '../../__testUtils__/mockAiPlatformApi';
import {
  AiPlatformGpuProfilePicker,
  validateAiPlatformGpuProfile,
} from './AiPlatformGpuProfilePicker';
import { resetEndpointFormValues } from './endpointFormValues';
import {
  recordingFieldValidation,
  renderScaffolderField,
  validatorContext,
  type FieldTestProps,
} from '../../__testUtils__/renderScaffolderField';

const FIELD = { name: 'gpuProfile', title: 'GPU profile' };

/** The form of templates/self-hosted-endpoint after its first steps. */
const formValues = {
  name: 'llama-8b-chat',
  owner: 'group:default/ml-platform',
  dataClassification: 'internal',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  gpuProfile: 'l4-24gb',
  tensorParallelSize: 1,
  cluster: 'gpu-eu-west-1',
  runtime: 'vllm',
  contextTokens: 8192,
  maxConcurrentSequences: 1,
  minReplicas: 1,
  maxReplicas: 2,
};

function renderPicker(
  api: ReturnType<typeof createMockAiPlatformApi>,
  props: Partial<FieldTestProps> = {},
) {
  return renderScaffolderField(
    AiPlatformGpuProfilePicker,
    FIELD,
    { formData: 'l4-24gb', formValues, ...props },
    api,
  );
}

describe('AiPlatformGpuProfilePicker', () => {
  beforeEach(() => resetEndpointFormValues());

  it('previews a model that fits, with the monthly cost, from the whole form', async () => {
    const api = createMockAiPlatformApi();
    renderPicker(api);

    expect(
      await screen.findByText(
        'fits: 15.0 GiB weights + 1.0 GiB KV + 2.0 GiB overhead ≤ 20.7 GiB usable',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/Monthly cost estimate:/).textContent).toBe(
      'Monthly cost estimate: 584.00 USD/month at 1 replica – 1,168.00 USD/month at 2 replicas (0.80 USD per GPU-hour × 1 GPU per replica × 730 h)',
    );
    expect(
      screen.getByText(/Checked when the template runs:/),
    ).toHaveTextContent('policy:max-eight-replicas');
    expect(api.previewEndpointPlan).toHaveBeenCalledTimes(1);
    expect(api.previewEndpointPlan).toHaveBeenCalledWith({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      gpuProfile: 'l4-24gb',
      cluster: 'gpu-eu-west-1',
      dataClassification: 'internal',
      contextTokens: 8192,
      maxConcurrentSequences: 1,
      tensorParallelSize: 1,
      replicas: { min: 1, max: 2 },
      runtime: 'vllm',
      owner: 'group:default/ml-platform',
      name: 'llama-8b-chat',
    });
    expect(screen.getByRole('combobox')).toHaveTextContent(
      'NVIDIA L4 24GB · 22.49 GiB usable · 0.80 USD/h',
    );
  });

  it('says why a model does not fit, and the validation reports it', async () => {
    const api = createMockAiPlatformApi({
      previewEndpointPlan: async () => llama8bLongContextOnL4Preview,
    });
    renderPicker(api, {
      formValues: { ...formValues, contextTokens: 131072 },
    });

    const verdict = await screen.findByText(
      'does not fit: 15.0 GiB weights + 16.0 GiB KV + 2.0 GiB overhead = 33.0 GiB > 20.7 GiB usable',
    );
    expect(verdict.closest('[role="alert"]')).toHaveTextContent(
      'At this context at most 0 sequence(s) fit. Lower contextTokens, raise tensorParallelSize or pick a larger GPU profile',
    );

    // The scaffolder validates the current step only: contextTokens is on it, the data
    // classification (step 1) comes from what the field saw.
    const { errors, validation } = recordingFieldValidation();
    await validateAiPlatformGpuProfile(
      'l4-24gb',
      validation,
      validatorContext(api, {
        model: formValues.model,
        gpuProfile: 'l4-24gb',
        cluster: formValues.cluster,
        contextTokens: 131072,
      }),
    );
    expect(errors).toEqual([
      llama8bLongContextOnL4Preview.decisions[0].message,
    ]);
    expect(api.previewEndpointPlan).toHaveBeenLastCalledWith(
      expect.objectContaining({
        contextTokens: 131072,
        dataClassification: 'internal',
      }),
    );
  });

  it('passes validation when the model fits', async () => {
    const api = createMockAiPlatformApi();
    renderPicker(api);
    await screen.findByText(/^fits:/);
    const { errors, validation } = recordingFieldValidation();
    await validateAiPlatformGpuProfile(
      'l4-24gb',
      validation,
      validatorContext(api, { model: formValues.model }),
    );
    expect(errors).toEqual([]);
  });

  it('shows progress while the preview loads', async () => {
    const api = createMockAiPlatformApi({
      previewEndpointPlan: () => new Promise(() => {}),
    });
    renderPicker(api);
    expect(
      await screen.findByRole('progressbar', {
        name: 'Checking the memory fit and cost',
      }),
    ).toBeInTheDocument();
    await waitFor(() => expect(api.previewEndpointPlan).toHaveBeenCalled());
    expect(screen.queryByText(/^fits:/)).toBeNull();
  });

  it('shows a failed preview, without blocking the form', async () => {
    const failure = await backendResponseError(500, 'planning is down');
    const api = createMockAiPlatformApi({
      previewEndpointPlan: async () => {
        throw failure;
      },
    });
    renderPicker(api);
    expect(
      await screen.findByText('Could not preview the plan: planning is down'),
    ).toBeInTheDocument();

    const { errors, validation } = recordingFieldValidation();
    await validateAiPlatformGpuProfile(
      'l4-24gb',
      validation,
      validatorContext(api, {}),
    );
    expect(errors).toEqual([]);
  });

  it('shows a failure to load the GPU profiles', async () => {
    const failure = await backendResponseError(500, 'config unavailable');
    const api = createMockAiPlatformApi({
      getPlanningOptions: async () => {
        throw failure;
      },
    });
    renderPicker(api);
    expect(
      await screen.findByText(
        'Could not load the GPU profiles: config unavailable',
      ),
    ).toBeInTheDocument();
  });

  it('asks one preview for a burst of changes (debounced)', async () => {
    const api = createMockAiPlatformApi();
    const { updateField } = renderPicker(api);
    await screen.findByRole('combobox');
    for (const contextTokens of [16384, 32768, 4096]) {
      updateField({
        formData: 'l4-24gb',
        formValues: { ...formValues, contextTokens },
      });
    }
    await screen.findByText(/^fits:/);
    expect(api.previewEndpointPlan).toHaveBeenCalledTimes(1);
    expect(api.previewEndpointPlan.mock.calls[0][0].contextTokens).toBe(4096);
  });

  it('names what is missing before it can preview', async () => {
    const api = createMockAiPlatformApi();
    renderPicker(api, {
      formValues: { ...formValues, model: undefined, cluster: '' },
    });
    expect(
      await screen.findByText(
        'Choose a model and a cluster to see whether the model fits and what it costs.',
      ),
    ).toBeInTheDocument();
    expect(api.previewEndpointPlan).not.toHaveBeenCalled();
  });

  it("offers only the chosen cluster's GPU profiles", async () => {
    const api = createMockAiPlatformApi({
      getPlanningOptions: async () => ({
        ...planningOptions,
        clusters: [
          ...planningOptions.clusters,
          {
            name: 'gpu-us-east-1',
            region: 'us-east-1',
            gpuProfiles: ['l4-24gb'],
            allowedDataClassifications: ['public', 'internal'],
          },
        ],
      }),
    });
    const onChange = jest.fn();
    renderPicker(api, {
      formData: undefined,
      onChange,
      formValues: { ...formValues, cluster: 'gpu-us-east-1' },
    });
    expect(
      await screen.findByText(
        'GPU profiles offered by gpu-us-east-1 (us-east-1)',
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('combobox'));
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'NVIDIA L4 24GB · 22.49 GiB usable · 0.80 USD/h',
    ]);
    await userEvent.click(options[0]);
    expect(onChange).toHaveBeenCalledWith('l4-24gb');
  });
});
