/**
 * Scaffolder backend module with the AI Platform golden-path actions, starting with
 * `ai-platform:gitops:commit`.
 *
 * @packageDocumentation
 */

export * from './actions';
export { scaffolderModuleAiPlatform as default } from './module';
