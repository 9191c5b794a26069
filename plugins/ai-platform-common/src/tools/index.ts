export { ANNOTATION_TOOLS, parseToolsAnnotation } from './toolsAnnotation';
