import Chip, { ChipProps } from '@mui/material/Chip';
import { DataClassification } from '@ai-platform/plugin-ai-platform-common';
import { NOT_SET } from '../AiEntityFields';

const CLASSIFICATION_COLORS: Record<DataClassification, ChipProps['color']> = {
  public: 'success',
  internal: 'info',
  confidential: 'warning',
  restricted: 'error',
};

/**
 * A data classification as a coloured chip: public green, internal blue,
 * confidential orange, restricted red; an unknown value grey.
 */
export function DataClassificationChip(props: { classification?: unknown }) {
  const { classification } = props;
  if (typeof classification !== 'string' || classification.length === 0) {
    return <>{NOT_SET}</>;
  }
  const color =
    CLASSIFICATION_COLORS[classification as DataClassification] ?? 'default';
  return (
    <Chip
      size="small"
      label={classification}
      color={color}
      data-classification={classification}
      sx={{ m: 0 }}
    />
  );
}
