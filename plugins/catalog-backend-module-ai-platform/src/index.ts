/**
 * A catalog backend module adding the ModelEndpoint and Agent kinds of the
 * AI platform: validation, relations and data classification warnings.
 *
 * @packageDocumentation
 */

export { AiPlatformEntitiesProcessor } from './processor';
export type { AiPlatformEntitiesProcessorOptions } from './processor';
export { catalogModuleAiPlatformEntityModel as default } from './module';
