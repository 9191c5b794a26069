import { useEntity } from '@backstage/plugin-catalog-react';
import { AgentEntityV1alpha1 } from '@ai-platform/plugin-ai-platform-common';
import Typography from '@mui/material/Typography';
import {
  AGENT_AUDIENCE_LABELS,
  AGENT_RISK_TIER_LABELS,
  AiEntityField,
  describeAutonomyLevel,
  displayLabel,
} from '../AiEntityFields';
import {
  AiEntityDataClassificationField,
  AiEntityObjectiveFields,
  AiEntityOverviewCard,
} from '../AiEntityOverviewCard';

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
    <AiEntityOverviewCard
      title="Agent"
      entity={entity}
      sections={[
        <>
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
            value={displayLabel(AGENT_AUDIENCE_LABELS, spec.audience)}
          />
          <AiEntityField
            label="Human in the loop"
            value={describeHumanInTheLoop(spec.humanInTheLoop)}
          />
          <AiEntityField
            label="Risk tier"
            value={displayLabel(AGENT_RISK_TIER_LABELS, spec.riskTier)}
          />
          <AiEntityDataClassificationField
            classification={spec.dataClassification}
          />
          <AiEntityField label="Type" value={spec.type} />
          <AiEntityField
            label="Gateway agent id"
            value={spec.gateway?.agentId}
            monospace
          />
        </>,
        <>
          <AiEntityObjectiveFields slo={spec.slo} budget={spec.budget} />
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
        </>,
      ]}
    />
  );
}
