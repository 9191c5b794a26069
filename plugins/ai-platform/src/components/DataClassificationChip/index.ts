export { DataClassificationChip } from './DataClassificationChip';
