import { CodeSnippet, EmptyState } from '@backstage/core-components';
import { discoveryApiRef, useApi } from '@backstage/frontend-plugin-api';
import Typography from '@mui/material/Typography';
import useAsync from 'react-use/esm/useAsync';

/**
 * The empty scorecard: how to send telemetry (OTLP and LiteLLM URLs of this
 * backend) and where the thresholds come from.
 *
 * @internal
 */
export function ScorecardSetupHelp(props: { evaluated: boolean }) {
  const discoveryApi = useApi(discoveryApiRef);
  const { value: baseUrl } = useAsync(
    () => discoveryApi.getBaseUrl('ai-platform'),
    [discoveryApi],
  );
  const otlpUrl = `${baseUrl ?? '<backend>/api/ai-platform'}/v1/traces`;
  const litellmUrl = `${baseUrl ?? '<backend>/api/ai-platform'}/ingest/litellm`;
  return (
    <EmptyState
      missing="data"
      title="No scorecard checks yet"
      description={
        props.evaluated
          ? 'This entity declares no SLO, budget or eval thresholds in its spec, so there is nothing to check.'
          : 'The scorecard has not been evaluated yet: send telemetry and declare thresholds in the entity spec.'
      }
      action={
        <>
          <Typography variant="body1" paragraph>
            Send OpenTelemetry GenAI traces (OTLP/HTTP) to:
          </Typography>
          <CodeSnippet
            language="bash"
            text={[
              `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${otlpUrl}`,
              'OTEL_EXPORTER_OTLP_TRACES_HEADERS="Authorization=Bearer <ingest token>"',
            ].join('\n')}
          />
          <Typography variant="body1" paragraph sx={{ mt: 2 }}>
            Or point a LiteLLM generic_api callback at:
          </Typography>
          <CodeSnippet
            language="yaml"
            text={[
              'callback_settings:',
              '  backstage:',
              '    callback_type: generic_api',
              `    endpoint: ${litellmUrl}`,
              '    headers:',
              '      Authorization: Bearer <ingest token>',
            ].join('\n')}
          />
          <Typography variant="body1" paragraph sx={{ mt: 2 }}>
            The ingest token is a static external access token restricted to the
            ai-platform plugin. Your Backstage administrators configure it in
            app-config (in the default setup from the AI_PLATFORM_INGEST_TOKEN
            environment variable) and can give it to you:
          </Typography>
          <CodeSnippet
            language="yaml"
            text={[
              'backend:',
              '  auth:',
              '    externalAccess:',
              '      - type: static',
              '        options:',
              '          token: ${AI_PLATFORM_INGEST_TOKEN}',
              '          subject: ai-platform-ingest',
              '        accessRestrictions:',
              '          - plugin: ai-platform',
            ].join('\n')}
          />
          <Typography variant="body2" sx={{ mt: 2 }}>
            Telemetry is matched to this entity by spec.gateway.model
            (ModelEndpoint) or spec.gateway.agentId (Agent). Checks need
            thresholds in the spec: spec.slo.ttftP95Ms,
            spec.slo.errorRatePercent, spec.budget.monthlyUsd and, for agents,
            spec.evals[].minScore.
          </Typography>
        </>
      }
    />
  );
}
