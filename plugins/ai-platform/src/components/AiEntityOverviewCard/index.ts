export {
  AiEntityDataClassificationField,
  AiEntityObjectiveFields,
  AiEntityOverviewCard,
} from './AiEntityOverviewCard';
