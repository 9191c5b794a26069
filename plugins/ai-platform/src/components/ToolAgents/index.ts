export { EntityToolAgentsCard } from './ToolAgentsCard';
export {
  ANNOTATION_AI_PLATFORM_TOOLS,
  isToolApiEntity,
} from './toolApiEntity';
