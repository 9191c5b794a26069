import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  backendResponseError,
  createMockAiPlatformApi,
} from '../../__testUtils__/mockAiPlatformApi';
import {
  AiPlatformModelPicker,
  validateAiPlatformModel,
} from './AiPlatformModelPicker';
import { resetEndpointFormValues } from './endpointFormValues';
import {
  recordingFieldValidation,
  renderScaffolderField,
  validatorContext,
  type FieldTestProps,
} from '../../__testUtils__/renderScaffolderField';

const FIELD = { name: 'model', title: 'Model' };

function renderPicker(
  api: ReturnType<typeof createMockAiPlatformApi>,
  props: Partial<FieldTestProps> = {},
) {
  return renderScaffolderField(
    AiPlatformModelPicker,
    FIELD,
    {
      formData: 'meta-llama/Llama-3.1-8B-Instruct',
      formValues: { dataClassification: 'internal' },
      ...props,
    },
    api,
  );
}

async function openOptions() {
  await userEvent.click(await screen.findByRole('combobox'));
  return within(screen.getByRole('listbox'))
    .getAllByRole('option')
    .filter(o => o.getAttribute('aria-disabled') !== 'true')
    .map(o => o.textContent);
}

describe('AiPlatformModelPicker', () => {
  beforeEach(() => resetEndpointFormValues());

  it('offers only the models approved for the chosen data classification', async () => {
    const api = createMockAiPlatformApi();
    const onChange = jest.fn();
    renderPicker(api, {
      formData: undefined,
      onChange,
      formValues: { dataClassification: 'confidential' },
    });
    expect(
      await screen.findByText(
        '2 of 3 approved models may process confidential data',
      ),
    ).toBeInTheDocument();
    expect(await openOptions()).toEqual([
      'meta-llama/Llama-3.1-8B-Instruct',
      'BAAI/bge-m3',
    ]);
    await userEvent.click(screen.getByRole('option', { name: 'BAAI/bge-m3' }));
    expect(onChange).toHaveBeenCalledWith('BAAI/bge-m3');
  });

  it('offers every approved model for internal data, with the details of the chosen one', async () => {
    const api = createMockAiPlatformApi();
    renderPicker(api);
    expect(
      await screen.findByText(
        '8.03 B parameters · chat · llama3.1 licence · context up to 131,072 tokens · approved up to confidential data',
      ),
    ).toBeInTheDocument();
    expect(await openOptions()).toEqual([
      'meta-llama/Llama-3.1-8B-Instruct',
      'meta-llama/Llama-3.1-70B-Instruct',
      'BAAI/bge-m3',
    ]);
  });

  it('flags a chosen model the data classification rules out, and the validation reports it', async () => {
    const api = createMockAiPlatformApi();
    renderPicker(api, {
      formData: 'meta-llama/Llama-3.1-70B-Instruct',
      formValues: { dataClassification: 'confidential' },
    });
    const message =
      'meta-llama/Llama-3.1-70B-Instruct is approved only up to internal data, not confidential; pick another model or a lower data classification';
    expect(await screen.findByText(message)).toBeInTheDocument();

    // The classification is on step 1; the validator of step 2 reads it from what the field saw.
    const { errors, validation } = recordingFieldValidation();
    await validateAiPlatformModel(
      'meta-llama/Llama-3.1-70B-Instruct',
      validation,
      validatorContext(api, { model: 'meta-llama/Llama-3.1-70B-Instruct' }),
    );
    expect(errors).toEqual([message]);
  });

  it('passes validation for an approved model and rejects an unknown one', async () => {
    const api = createMockAiPlatformApi();
    const ok = recordingFieldValidation();
    await validateAiPlatformModel(
      'meta-llama/Llama-3.1-70B-Instruct',
      ok.validation,
      validatorContext(api, { dataClassification: 'internal' }),
    );
    expect(ok.errors).toEqual([]);

    const unknown = recordingFieldValidation();
    await validateAiPlatformModel(
      'gpt-oss/120b',
      unknown.validation,
      validatorContext(api, { dataClassification: 'internal' }),
    );
    expect(unknown.errors).toEqual([
      'gpt-oss/120b is not an approved model; approved: meta-llama/Llama-3.1-8B-Instruct, meta-llama/Llama-3.1-70B-Instruct, BAAI/bge-m3',
    ]);
  });

  it('says when no model is approved for the classification', async () => {
    const api = createMockAiPlatformApi();
    renderPicker(api, {
      formData: undefined,
      formValues: { dataClassification: 'restricted' },
    });
    expect(
      await screen.findByText(/No approved model may process restricted data/),
    ).toBeInTheDocument();
  });

  it('shows progress while the models load', async () => {
    const api = createMockAiPlatformApi({
      getPlanningOptions: () => new Promise(() => {}),
    });
    renderPicker(api);
    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading the approved models',
      }),
    ).toBeInTheDocument();
  });

  it("shows the backend's message when the models cannot be loaded", async () => {
    const failure = await backendResponseError(500, 'config unavailable');
    const api = createMockAiPlatformApi({
      getPlanningOptions: async () => {
        throw failure;
      },
    });
    renderPicker(api);
    expect(
      await screen.findByText(
        'Could not load the approved models: config unavailable',
      ),
    ).toBeInTheDocument();
  });
});
