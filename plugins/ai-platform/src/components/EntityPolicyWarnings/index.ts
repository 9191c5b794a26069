export {
  EntityPolicyWarnings,
  readPolicyStatusItems,
} from './EntityPolicyWarnings';
