import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { AgentEntityV1alpha1 } from '@ai-platform/plugin-ai-platform-common';
import Divider from '@mui/material/Divider';
import Typography from '@mui/material/Typography';
import {
  AGENT_AUDIENCE_LABELS,
  AGENT_RISK_TIER_LABELS,
  AiEntityField,
  AiEntityFieldGrid,
  describeAutonomyLevel,
  formatUsd,
} from '../AiEntityFields';
import { DataClassificationChip } from '../DataClassificationChip';
import { EntityPolicyWarnings } from '../EntityPolicyWarnings';

function AutonomyLevelValue(props: { autonomyLevel: string }) {
  const meaning = describeAutonomyLevel(props.autonomyLevel);
  return (
    <>
      <Typography variant="body2" fontWeight="bold" component="span">
        {props.autonomyLevel} · {meaning.title}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {meaning.description}
      </Typography>
    </>
  );
}

function describeHumanInTheLoop(value: unknown): string | undefined {
  if (value === true) {
    return 'Yes';
  }
  if (value === false) {
    return 'No';
  }
  return undefined;
}

/**
 * The overview of the Agent entity in context: audience, autonomy level with
 * its meaning, human in the loop, risk tier, data classification, gateway
 * agent id, budget, SLOs, eval requirements and any AI platform policy
 * warnings.
 *
 * @public
 */
export function EntityAgentOverviewCard() {
  const { entity } = useEntity<AgentEntityV1alpha1>();
  const spec = entity.spec ?? {};
  const evals = Array.isArray(spec.evals) ? spec.evals : [];

  return (
    <InfoCard title="Agent">
      <EntityPolicyWarnings entity={entity} />
      <AiEntityFieldGrid>
        <AiEntityField
          label="Autonomy level"
          value={
            spec.autonomyLevel ? (
              <AutonomyLevelValue autonomyLevel={spec.autonomyLevel} />
            ) : undefined
          }
          mdColumns={12}
        />
        <AiEntityField
          label="Audience"
          value={
            spec.audience
              ? AGENT_AUDIENCE_LABELS[spec.audience] ?? spec.audience
              : undefined
          }
        />
        <AiEntityField
          label="Human in the loop"
          value={describeHumanInTheLoop(spec.humanInTheLoop)}
        />
        <AiEntityField
          label="Risk tier"
          value={
            spec.riskTier
              ? AGENT_RISK_TIER_LABELS[spec.riskTier] ?? spec.riskTier
              : undefined
          }
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
        <AiEntityField label="Type" value={spec.type} />
        <AiEntityField
          label="Gateway agent id"
          value={spec.gateway?.agentId}
          monospace
        />
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
          label="Evals"
          mdColumns={12}
          value={
            evals.length > 0 ? (
              <ul style={{ margin: 0, paddingLeft: 20 }}>
                {evals.map(requirement => (
                  <li key={requirement.suite}>
                    <Typography
                      variant="body2"
                      component="span"
                      fontFamily="monospace"
                    >
                      {requirement.suite}
                    </Typography>
                    <Typography variant="body2" component="span">
                      {` · min score ${requirement.minScore}`}
                    </Typography>
                    {requirement.description && (
                      <Typography variant="body2" color="text.secondary">
                        {requirement.description}
                      </Typography>
                    )}
                  </li>
                ))}
              </ul>
            ) : undefined
          }
        />
      </AiEntityFieldGrid>
    </InfoCard>
  );
}
