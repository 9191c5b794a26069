// The annotation and its parser live in the common package, so the catalog
// module validates it when an API entity is processed.
export {
  ANNOTATION_TOOLS,
  parseToolsAnnotation,
} from '@ai-platform/plugin-ai-platform-common';
