import { ANNOTATION_TOOLS } from '@ai-platform/plugin-ai-platform-common';

/**
 * Annotation of an API entity listing the tool names it serves, e.g.
 * `aiplatform.io/tools: search_orders, refund_order` (`ANNOTATION_TOOLS` of
 * the common package).
 *
 * @public
 */
export const ANNOTATION_AI_PLATFORM_TOOLS = ANNOTATION_TOOLS;

/**
 * Whether an entity is an API that declares tools
 * ({@link ANNOTATION_AI_PLATFORM_TOOLS}).
 *
 * @public
 */
export function isToolApiEntity(entity: {
  kind: string;
  metadata: { annotations?: Record<string, string> };
}): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'api' &&
    Boolean(entity.metadata.annotations?.[ANNOTATION_AI_PLATFORM_TOOLS])
  );
}
