/**
 * Scaffolder backend module with the AI Platform golden-path actions:
 * `ai-platform:endpoint:plan`, `ai-platform:endpoint:change` (Day 2: scale, change, pause,
 * resume, decommission), `ai-platform:endpoint:render`, `ai-platform:gitops:commit`,
 * `ai-platform:kubernetes:apply` and `ai-platform:entity:validate`.
 *
 * @packageDocumentation
 */

export * from './actions';
export { scaffolderModuleAiPlatform as default } from './module';
