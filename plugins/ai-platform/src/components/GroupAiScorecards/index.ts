export { GroupAiScorecardsContent } from './GroupAiScorecardsContent';
