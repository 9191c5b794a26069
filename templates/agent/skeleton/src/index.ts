/*
 * ${{ values.name }}: an AI agent service from the AI Platform agent golden path.
 *
 * An HTTP service that answers `POST /invoke` with `{ "input": "..." }` by
 * calling a model through the LLM gateway with the OpenAI client. Every call
 * is traced (see ./telemetry) and attributed to agent `${{ values.agentId }}`.
 */
// Must come first: it registers the OpenAI instrumentation before `openai` loads.
import { AGENT_ID, tracer, tracerProvider } from './telemetry';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { createServer, type IncomingMessage } from 'node:http';
import OpenAI from 'openai';

/** The gateway's OpenAI-compatible base URL. */
const GATEWAY_BASE_URL =
  process.env.AI_GATEWAY_BASE_URL ?? '${{ values.gatewayBaseUrl }}';

/** The model alias sent through the gateway (spec.gateway.model of a ModelEndpoint). */
const MODEL = process.env.AI_GATEWAY_MODEL ?? '${{ values.gatewayModel }}';

/** Name of the environment variable that holds the gateway API key. */
const API_KEY_ENV_VAR = '${{ values.apiKeyEnvVar }}';

const PORT = Number(process.env.PORT ?? 8080);

/** What the agent is for, from its catalog description. */
const PURPOSE: string = ${{ values.description | dump }};

const SYSTEM_PROMPT = `You are ${AGENT_ID}. ${PURPOSE}
Answer briefly and say when you are not sure.`;

const apiKey = process.env[API_KEY_ENV_VAR];
if (!apiKey) {
  console.error(
    `${API_KEY_ENV_VAR} is not set: it must hold the LLM gateway API key (a virtual key issued for agent ${AGENT_ID}).`,
  );
  process.exit(1);
}

const client = new OpenAI({ baseURL: GATEWAY_BASE_URL, apiKey });

/** Runs one agent turn inside an `invoke_agent` span (OpenTelemetry GenAI conventions). */
export async function invokeAgent(input: string): Promise<string> {
  return tracer.startActiveSpan(
    `invoke_agent ${AGENT_ID}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': AGENT_ID,
        'gen_ai.request.model': MODEL,
      },
    },
    async span => {
      try {
        const completion = await client.chat.completions.create({
          model: MODEL,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: input },
          ],
        });
        return completion.choices[0]?.message?.content ?? '';
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

const server = createServer(async (req, res) => {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  try {
    if (req.method === 'GET' && req.url === '/healthz') {
      send(200, { status: 'ok', agent: AGENT_ID });
      return;
    }
    if (req.method === 'POST' && req.url === '/invoke') {
      const body = (await readJson(req)) as { input?: unknown };
      if (typeof body.input !== 'string' || body.input.trim() === '') {
        send(400, { error: "'input' must be a non-empty string" });
        return;
      }
      send(200, { output: await invokeAgent(body.input) });
      return;
    }
    send(404, { error: `no route for ${req.method} ${req.url}` });
  } catch (error) {
    send(error instanceof SyntaxError ? 400 : 502, { error: String(error) });
  }
});

server.listen(PORT, () => {
  console.log(
    `${AGENT_ID} listening on :${PORT}; model ${MODEL} via ${GATEWAY_BASE_URL}`,
  );
});

async function shutdown() {
  server.close();
  await tracerProvider.shutdown();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
