import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { act, type RenderResult } from '@testing-library/react';
import { useState, type ComponentType } from 'react';
import { aiPlatformApiRef } from '../api';
import type { createMockAiPlatformApi } from './mockAiPlatformApi';

/** What a test sets of a field's props; the rest get what the scaffolder form passes. */
export type FieldTestProps = {
  formData?: string;
  /** Every step's values so far, as the scaffolder's Stepper passes them. */
  formValues: Record<string, unknown>;
  onChange?: (value: string) => void;
  rawErrors?: string[];
};

function fieldProps(
  name: string,
  title: string,
  props: FieldTestProps,
): FieldExtensionComponentProps<string> {
  return {
    name,
    formData: props.formData,
    onChange: props.onChange ?? (() => {}),
    onBlur: () => {},
    onFocus: () => {},
    schema: { type: 'string', title },
    uiSchema: {},
    idSchema: { $id: `root_${name}` },
    formContext: { formData: props.formValues },
    rawErrors: props.rawErrors ?? [],
    required: true,
    disabled: false,
    readonly: false,
    errorSchema: {},
    registry: {} as any,
  } as unknown as FieldExtensionComponentProps<string>;
}

/**
 * Renders a scaffolder field in a test app with a mock AiPlatformApi; `updateField` changes
 * its props as the form would on a change.
 */
export function renderScaffolderField(
  Field: ComponentType<FieldExtensionComponentProps<string>>,
  field: { name: string; title: string },
  props: FieldTestProps,
  api: ReturnType<typeof createMockAiPlatformApi>,
): RenderResult & { updateField: (next: FieldTestProps) => void } {
  let setProps: (next: FieldTestProps) => void = () => {};
  function Harness() {
    const [current, setCurrent] = useState(props);
    setProps = setCurrent;
    return <Field {...fieldProps(field.name, field.title, current)} />;
  }
  const rendered = renderInTestApp(<Harness />, {
    apis: [[aiPlatformApiRef, api]],
  });
  return {
    ...rendered,
    updateField: (next: FieldTestProps) => act(() => setProps(next)),
  };
}

/** The scaffolder's FieldValidation, recording the errors a validator adds. */
export function recordingFieldValidation() {
  const errors: string[] = [];
  return {
    errors,
    validation: {
      __errors: errors,
      addError(message: string) {
        errors.push(message);
      },
    } as any,
  };
}

/** The validator context with an ApiHolder that holds `api`. */
export function validatorContext(
  api: ReturnType<typeof createMockAiPlatformApi>,
  currentStepValues: Record<string, unknown>,
) {
  return {
    apiHolder: {
      get: (ref: { id: string }) =>
        ref.id === aiPlatformApiRef.id ? api : undefined,
    } as any,
    formData: currentStepValues as any,
    schema: {},
  };
}
