import { InfoCard } from '@backstage/core-components';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { ModelEndpointEntityV1alpha1 } from '@ai-platform/plugin-ai-platform-common';
import Divider from '@mui/material/Divider';
import {
  AiEntityField,
  AiEntityFieldGrid,
  formatReplicaRange,
  formatUsd,
  parseSpecEntityRef,
} from '../AiEntityFields';
import { DataClassificationChip } from '../DataClassificationChip';
import { EntityPolicyWarnings } from '../EntityPolicyWarnings';

const SERVING_MODE_LABELS: Record<string, string> = {
  'self-hosted': 'Self-hosted',
  managed: 'Managed',
};

function describePricing(
  pricing: ModelEndpointEntityV1alpha1['spec']['pricing'],
): string | undefined {
  if (!pricing) {
    return undefined;
  }
  const parts: string[] = [];
  const { inputPerMillionTokensUsd, outputPerMillionTokensUsd, gpuHourUsd } =
    pricing;
  if (inputPerMillionTokensUsd !== undefined) {
    parts.push(`${formatUsd(inputPerMillionTokensUsd)} / 1M input tokens`);
  }
  if (outputPerMillionTokensUsd !== undefined) {
    parts.push(`${formatUsd(outputPerMillionTokensUsd)} / 1M output tokens`);
  }
  if (gpuHourUsd !== undefined) {
    parts.push(`${formatUsd(gpuHourUsd)} / GPU hour`);
  }
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/**
 * The overview of the ModelEndpoint entity in context: model, serving,
 * gateway alias, SLOs, budget, pricing, data classification and any AI
 * platform policy warnings.
 *
 * @public
 */
export function EntityModelEndpointOverviewCard() {
  const { entity } = useEntity<ModelEndpointEntityV1alpha1>();
  const spec = entity.spec ?? {};
  const model = spec.model ?? { name: '' };
  const serving: Partial<ModelEndpointEntityV1alpha1['spec']['serving']> =
    spec.serving ?? {};
  const selfHosted = serving.mode === 'self-hosted' ? serving : undefined;
  const clusterRef = parseSpecEntityRef(
    entity,
    selfHosted?.cluster,
    'resource',
  );

  return (
    <InfoCard title="Model endpoint">
      <EntityPolicyWarnings entity={entity} />
      <AiEntityFieldGrid>
        <AiEntityField
          label="Model"
          value={model.name}
          monospace
          mdColumns={8}
        />
        <AiEntityField label="Type" value={spec.type} />
        <AiEntityField
          label="Version"
          value={model.version}
          monospace
          mdColumns={8}
        />
        <AiEntityField
          label="Parameters"
          value={
            model.parametersBillions !== undefined
              ? `${model.parametersBillions}B`
              : undefined
          }
        />
        <AiEntityField label="License" value={model.license} />
      </AiEntityFieldGrid>
      <Divider sx={{ my: 2 }} />
      <AiEntityFieldGrid>
        <AiEntityField
          label="Serving"
          value={
            serving.mode
              ? SERVING_MODE_LABELS[serving.mode] ?? serving.mode
              : undefined
          }
        />
        {serving.mode === 'managed' ? (
          <AiEntityField label="Provider" value={serving.provider} />
        ) : (
          <AiEntityField label="Runtime" value={selfHosted?.runtime} />
        )}
        <AiEntityField
          label="Gateway alias"
          value={spec.gateway?.model}
          monospace
        />
        {serving.mode !== 'managed' && (
          <>
            <AiEntityField
              label="Cluster"
              value={
                clusterRef ? (
                  <EntityRefLink
                    entityRef={clusterRef}
                    defaultKind="resource"
                  />
                ) : (
                  selfHosted?.cluster
                )
              }
            />
            <AiEntityField
              label="Namespace"
              value={selfHosted?.namespace}
              monospace
            />
            <AiEntityField label="GPU profile" value={selfHosted?.gpuProfile} />
            <AiEntityField
              label="Replicas"
              value={formatReplicaRange(selfHosted?.replicas)}
            />
          </>
        )}
      </AiEntityFieldGrid>
      <Divider sx={{ my: 2 }} />
      <AiEntityFieldGrid>
        <AiEntityField
          label="TTFT p95 SLO"
          value={
            spec.slo?.ttftP95Ms !== undefined
              ? `${spec.slo.ttftP95Ms} ms`
              : undefined
          }
        />
        <AiEntityField
          label="Error rate SLO"
          value={
            spec.slo?.errorRatePercent !== undefined
              ? `${spec.slo.errorRatePercent} %`
              : undefined
          }
        />
        <AiEntityField
          label="Monthly budget"
          value={
            spec.budget?.monthlyUsd !== undefined
              ? formatUsd(spec.budget.monthlyUsd)
              : undefined
          }
        />
        <AiEntityField
          label="Pricing"
          value={describePricing(spec.pricing)}
          mdColumns={8}
        />
        <AiEntityField
          label="Data classification"
          value={
            spec.dataClassification ? (
              <DataClassificationChip
                classification={spec.dataClassification}
              />
            ) : undefined
          }
        />
      </AiEntityFieldGrid>
    </InfoCard>
  );
}
