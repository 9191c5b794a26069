import { InfoCard } from '@backstage/core-components';
import { Entity } from '@backstage/catalog-model';
import {
  AiBudget,
  AiServiceLevelObjectives,
  DataClassification,
} from '@ai-platform/plugin-ai-platform-common';
import Divider from '@mui/material/Divider';
import { Fragment, ReactNode } from 'react';
import { AiEntityField, AiEntityFieldGrid, formatUsd } from '../AiEntityFields';
import { DataClassificationChip } from '../DataClassificationChip';
import { EntityPolicyWarnings } from '../EntityPolicyWarnings';

/**
 * The layout of the ModelEndpoint and Agent overview cards: the title, the
 * entity's AI platform policy warnings, then groups of fields, each a grid of
 * {@link AiEntityField}s, divided by rules.
 */
export function AiEntityOverviewCard(props: {
  title: string;
  entity: Entity;
  /** The field groups, top to bottom. */
  sections: ReactNode[];
}) {
  const { title, entity, sections } = props;
  return (
    <InfoCard title={title}>
      <EntityPolicyWarnings entity={entity} />
      {sections.map((section, index) => (
        <Fragment key={index}>
          {index > 0 && <Divider sx={{ my: 2 }} />}
          <AiEntityFieldGrid>{section}</AiEntityFieldGrid>
        </Fragment>
      ))}
    </InfoCard>
  );
}

/** The SLO and budget fields both kinds declare in their spec. */
export function AiEntityObjectiveFields(props: {
  slo?: AiServiceLevelObjectives;
  budget?: AiBudget;
}) {
  const { slo, budget } = props;
  return (
    <>
      <AiEntityField
        label="TTFT p95 SLO"
        value={slo?.ttftP95Ms !== undefined ? `${slo.ttftP95Ms} ms` : undefined}
      />
      <AiEntityField
        label="Error rate SLO"
        value={
          slo?.errorRatePercent !== undefined
            ? `${slo.errorRatePercent} %`
            : undefined
        }
      />
      <AiEntityField
        label="Monthly budget"
        value={
          budget?.monthlyUsd !== undefined
            ? formatUsd(budget.monthlyUsd)
            : undefined
        }
      />
    </>
  );
}

/** The entity's data classification as a coloured chip. */
export function AiEntityDataClassificationField(props: {
  classification?: DataClassification;
}) {
  return (
    <AiEntityField
      label="Data classification"
      value={
        props.classification ? (
          <DataClassificationChip classification={props.classification} />
        ) : undefined
      }
    />
  );
}
