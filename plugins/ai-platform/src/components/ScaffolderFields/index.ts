export {
  AI_PLATFORM_MODEL_PICKER,
  AiPlatformModelPicker,
  validateAiPlatformModel,
} from './AiPlatformModelPicker';
export {
  AI_PLATFORM_GPU_PROFILE_PICKER,
  AiPlatformGpuProfilePicker,
  validateAiPlatformGpuProfile,
} from './AiPlatformGpuProfilePicker';
export {
  aiPlatformGpuProfilePickerFormField,
  aiPlatformModelPickerFormField,
} from './formFields';
export {
  aiPlatformLegacyPlugin,
  AiPlatformGpuProfilePickerFieldExtension,
  AiPlatformModelPickerFieldExtension,
} from './legacyFieldExtensions';
export {
  AI_PLATFORM_ENDPOINT_CHANGE_PREVIEW,
  AiPlatformEndpointChangePreview,
} from './AiPlatformEndpointChangePreview';
export { aiPlatformEndpointChangePreviewFormField } from './formFields';
export { AiPlatformEndpointChangePreviewFieldExtension } from './legacyFieldExtensions';
