import { InputError } from '@backstage/errors';

/**
 * Annotation of an API entity (e.g. `spec.type: mcp-server`) listing the
 * tool names it serves, as agents report them in `gen_ai.tool.name`:
 * comma-separated, e.g. `aiplatform.io/tools: search_orders, refund_order`.
 *
 * @public
 */
export const ANNOTATION_TOOLS = 'aiplatform.io/tools';

/**
 * A tool name: 1 to 128 letters, digits, `_`, `-`, `.`, `:` or `/` (the
 * MCP tool name characters, plus namespace separators).
 */
const TOOL_NAME = /^[A-Za-z0-9_.:/-]{1,128}$/;

/** Most tool names one entity may declare. */
const MAX_TOOLS_PER_ENTITY = 200;

/**
 * Parses the {@link ANNOTATION_TOOLS} annotation into its tool names
 * (trimmed, duplicates removed, in order).
 *
 * @throws InputError naming the annotation, the entity and the bad name
 * @public
 */
export function parseToolsAnnotation(
  value: string,
  entityRef: string,
): string[] {
  const names = value
    .split(',')
    .map(name => name.trim())
    .filter(name => name !== '');
  if (names.length === 0) {
    throw new InputError(
      `Annotation '${ANNOTATION_TOOLS}' of ${entityRef} lists no tool: expected comma-separated tool names such as 'search_orders, refund_order'`,
    );
  }
  if (names.length > MAX_TOOLS_PER_ENTITY) {
    throw new InputError(
      `Annotation '${ANNOTATION_TOOLS}' of ${entityRef} lists ${names.length} tools; at most ${MAX_TOOLS_PER_ENTITY} are allowed`,
    );
  }
  for (const name of names) {
    if (!TOOL_NAME.test(name)) {
      const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
      throw new InputError(
        `Annotation '${ANNOTATION_TOOLS}' of ${entityRef}: '${shown}' is not a tool name; expected 1 to 128 letters, digits, '_', '-', '.', ':' or '/', names separated by commas`,
      );
    }
  }
  return [...new Set(names)];
}
