import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';

/**
 * The {@link AiPlatformModelPicker} as a scaffolder form field of the new frontend system
 * (`ui:field: AiPlatformModelPicker`).
 *
 * @remarks
 * Extension id `scaffolder-form-field:ai-platform/model-picker`; it attaches to the
 * scaffolder's form fields API.
 *
 * @alpha
 */
export const aiPlatformModelPickerFormField = FormFieldBlueprint.make({
  name: 'model-picker',
  params: {
    field: () =>
      import('./AiPlatformModelPicker').then(m =>
        createFormField({
          name: m.AI_PLATFORM_MODEL_PICKER,
          component: m.AiPlatformModelPicker,
          validation: m.validateAiPlatformModel,
        }),
      ),
  },
});

/**
 * The {@link AiPlatformGpuProfilePicker} with its live fit and cost preview as a scaffolder
 * form field of the new frontend system (`ui:field: AiPlatformGpuProfilePicker`).
 *
 * @remarks
 * Extension id `scaffolder-form-field:ai-platform/gpu-profile-picker`.
 *
 * @alpha
 */
export const aiPlatformGpuProfilePickerFormField = FormFieldBlueprint.make({
  name: 'gpu-profile-picker',
  params: {
    field: () =>
      import('./AiPlatformGpuProfilePicker').then(m =>
        createFormField({
          name: m.AI_PLATFORM_GPU_PROFILE_PICKER,
          component: m.AiPlatformGpuProfilePicker,
          validation: m.validateAiPlatformGpuProfile,
        }),
      ),
  },
});

/**
 * The {@link AiPlatformEndpointChangePreview} (before → after and monthly cost delta of a Day-2
 * change) as a scaffolder form field of the new frontend system
 * (`ui:field: AiPlatformEndpointChangePreview`).
 *
 * @remarks
 * Extension id `scaffolder-form-field:ai-platform/endpoint-change-preview`.
 *
 * @alpha
 */
export const aiPlatformEndpointChangePreviewFormField = FormFieldBlueprint.make(
  {
    name: 'endpoint-change-preview',
    params: {
      field: () =>
        import('./AiPlatformEndpointChangePreview').then(m =>
          createFormField({
            name: m.AI_PLATFORM_ENDPOINT_CHANGE_PREVIEW,
            component: m.AiPlatformEndpointChangePreview,
          }),
        ),
    },
  },
);
