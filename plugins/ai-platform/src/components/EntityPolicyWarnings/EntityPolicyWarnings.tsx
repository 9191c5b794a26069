import { Entity } from '@backstage/catalog-model';
import { AlphaEntity, EntityStatusItem } from '@backstage/catalog-model/alpha';
import { ENTITY_STATUS_AI_PLATFORM_POLICY_TYPE } from '@ai-platform/plugin-ai-platform-common';
import Alert, { AlertColor } from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Stack from '@mui/material/Stack';

const SEVERITY_BY_LEVEL: Record<string, AlertColor> = {
  info: 'info',
  warning: 'warning',
  error: 'error',
};

/** The AI platform policy status items of an entity (`aiplatform.io/policy`). */
export function readPolicyStatusItems(entity: Entity): EntityStatusItem[] {
  return ((entity as AlphaEntity).status?.items ?? []).filter(
    item => item.type === ENTITY_STATUS_AI_PLATFORM_POLICY_TYPE,
  );
}

/**
 * The AI platform policy warnings the catalog module put on an entity (for
 * example an Agent using a model endpoint classified below its own data), one
 * alert each; nothing when there are none.
 */
export function EntityPolicyWarnings(props: { entity: Entity }) {
  const items = readPolicyStatusItems(props.entity);
  if (items.length === 0) {
    return null;
  }
  return (
    <Stack spacing={1} sx={{ mb: 2 }}>
      {items.map((item, index) => (
        <Alert
          key={`${index}-${item.message}`}
          severity={SEVERITY_BY_LEVEL[item.level] ?? 'warning'}
        >
          <AlertTitle>AI platform policy {item.level}</AlertTitle>
          {item.message}
        </Alert>
      ))}
    </Stack>
  );
}
