/**
 * Scaffolder backend module with the AI Platform golden-path actions:
 * `ai-platform:endpoint:plan`, `ai-platform:endpoint:render` and `ai-platform:gitops:commit`.
 *
 * @packageDocumentation
 */

export * from './actions';
export { scaffolderModuleAiPlatform as default } from './module';
