export { AiPlatformEntitiesProcessor } from './AiPlatformEntitiesProcessor';
export type { AiPlatformEntitiesProcessorOptions } from './AiPlatformEntitiesProcessor';
