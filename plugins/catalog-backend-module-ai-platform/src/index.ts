/***/
/**
 * The ai-platform backend module for the catalog plugin.
 *
 * @packageDocumentation
 */

export { catalogModuleAiPlatform as default } from './module';
