import { CodeSnippet } from '@backstage/core-components';
import { discoveryApiRef, useApi } from '@backstage/frontend-plugin-api';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import useAsync from 'react-use/esm/useAsync';

/**
 * What to do when the fleet has no telemetry yet: the OTLP and LiteLLM URLs
 * of this backend, the header, and where the ingest token comes from.
 */
export function TelemetrySetupHelp() {
  const discoveryApi = useApi(discoveryApiRef);
  const { value: baseUrl } = useAsync(
    () => discoveryApi.getBaseUrl('ai-platform'),
    [discoveryApi],
  );
  const base = baseUrl ?? '<backend>/api/ai-platform';
  return (
    <Box aria-label="How to send telemetry" role="note">
      <Typography variant="subtitle1" component="h3" gutterBottom>
        No telemetry received this month
      </Typography>
      <Typography variant="body2" paragraph>
        Spend, TTFT and time to first inference fill in as soon as the LLM
        gateway or your SDK sends OpenTelemetry GenAI traces (OTLP/HTTP) to:
      </Typography>
      <CodeSnippet
        language="bash"
        text={[
          `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${base}/v1/traces`,
          'OTEL_EXPORTER_OTLP_TRACES_HEADERS="Authorization=Bearer <ingest token>"',
        ].join('\n')}
      />
      <Typography variant="body2" paragraph sx={{ mt: 2 }}>
        A LiteLLM gateway can post its logs with a generic_api callback to{' '}
        <code>{`${base}/ingest/litellm`}</code> instead.
      </Typography>
      <Typography variant="body2">
        The ingest token is a static external access token restricted to the
        ai-platform plugin (<code>backend.auth.externalAccess</code> in
        app-config); ask your Backstage administrators for one. Calls are
        matched to entities by <code>spec.gateway.model</code> (ModelEndpoint)
        and <code>spec.gateway.agentId</code> (Agent).
      </Typography>
    </Box>
  );
}
