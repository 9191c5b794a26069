import {
  createApiFactory,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { aiPlatformApiRef, AiPlatformClient } from '../../api';
import {
  AI_PLATFORM_ENDPOINT_CHANGE_PREVIEW,
  AiPlatformEndpointChangePreview,
} from './AiPlatformEndpointChangePreview';
import {
  AI_PLATFORM_GPU_PROFILE_PICKER,
  AiPlatformGpuProfilePicker,
  validateAiPlatformGpuProfile,
} from './AiPlatformGpuProfilePicker';
import {
  AI_PLATFORM_MODEL_PICKER,
  AiPlatformModelPicker,
  validateAiPlatformModel,
} from './AiPlatformModelPicker';

/**
 * The AI platform plugin for apps on the legacy frontend system: it provides the
 * {@link AiPlatformApi} and the scaffolder field extensions.
 *
 * @public
 */
export const aiPlatformLegacyPlugin = createPlugin({
  id: 'ai-platform',
  apis: [
    createApiFactory({
      api: aiPlatformApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new AiPlatformClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * The {@link AiPlatformModelPicker} for legacy apps: put it inside `<ScaffolderFieldExtensions>`.
 *
 * @public
 */
export const AiPlatformModelPickerFieldExtension =
  aiPlatformLegacyPlugin.provide(
    createScaffolderFieldExtension({
      name: AI_PLATFORM_MODEL_PICKER,
      component: AiPlatformModelPicker,
      validation: validateAiPlatformModel,
    }),
  );

/**
 * The {@link AiPlatformGpuProfilePicker} for legacy apps: put it inside
 * `<ScaffolderFieldExtensions>`.
 *
 * @public
 */
export const AiPlatformGpuProfilePickerFieldExtension =
  aiPlatformLegacyPlugin.provide(
    createScaffolderFieldExtension({
      name: AI_PLATFORM_GPU_PROFILE_PICKER,
      component: AiPlatformGpuProfilePicker,
      validation: validateAiPlatformGpuProfile,
    }),
  );

/**
 * The {@link AiPlatformEndpointChangePreview} for legacy apps: put it inside
 * `<ScaffolderFieldExtensions>`.
 *
 * @public
 */
export const AiPlatformEndpointChangePreviewFieldExtension =
  aiPlatformLegacyPlugin.provide(
    createScaffolderFieldExtension({
      name: AI_PLATFORM_ENDPOINT_CHANGE_PREVIEW,
      component: AiPlatformEndpointChangePreview,
    }),
  );
