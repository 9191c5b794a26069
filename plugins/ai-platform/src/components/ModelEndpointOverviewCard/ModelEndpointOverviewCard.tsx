import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { ModelEndpointEntityV1alpha1 } from '@ai-platform/plugin-ai-platform-common';
import {
  AiEntityField,
  displayLabel,
  formatReplicaRange,
  formatUsd,
  parseSpecEntityRef,
} from '../AiEntityFields';
import {
  AiEntityDataClassificationField,
  AiEntityObjectiveFields,
  AiEntityOverviewCard,
} from '../AiEntityOverviewCard';

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
    <AiEntityOverviewCard
      title="Model endpoint"
      entity={entity}
      sections={[
        <>
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
        </>,
        <>
          <AiEntityField
            label="Serving"
            value={displayLabel(SERVING_MODE_LABELS, serving.mode)}
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
              <AiEntityField
                label="GPU profile"
                value={selfHosted?.gpuProfile}
              />
              <AiEntityField
                label="Replicas"
                value={formatReplicaRange(selfHosted?.replicas)}
              />
            </>
          )}
        </>,
        <>
          <AiEntityObjectiveFields slo={spec.slo} budget={spec.budget} />
          <AiEntityField
            label="Pricing"
            value={describePricing(spec.pricing)}
            mdColumns={8}
          />
          <AiEntityDataClassificationField
            classification={spec.dataClassification}
          />
        </>,
      ]}
    />
  );
}
