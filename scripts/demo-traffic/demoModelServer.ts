/**
 * DEMO DATA: a local OpenAI-compatible model server on 127.0.0.1 (random
 * port). `POST /v1/chat/completions` (SSE streaming or one JSON answer with
 * usage) and `POST /v1/embeddings`, with a time to first token, a token rate
 * and failures per model alias from `demoProfiles.ts`.
 */
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { ModelProfile, seededRandom } from './demoProfiles';

/** A running demo model server. */
export interface DemoModelServer {
  baseUrl: string;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function readJson(req: IncomingMessage): Promise<any> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch (e) {
        reject(new Error(`request body is not JSON: ${(e as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Rough token count of a text: 4 characters a token. */
function countTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

const WORDS =
  'the ticket mentions a billing issue routed to tier two with priority high and a suggested reply'.split(
    ' ',
  );

/** Starts the server; `profiles` are looked up by the request's `model`. */
export async function startDemoModelServer(
  profiles: ModelProfile[],
  seed = 42,
): Promise<DemoModelServer> {
  const random = seededRandom(seed);
  const idPrefix = Date.now().toString(36);
  const byAlias = new Map(profiles.map(p => [p.alias, p]));
  const callsByAlias = new Map<string, number>();

  const drawTtftMs = (p: ModelProfile) => {
    const range = random() < p.slowShare ? p.slowTtftMs : p.ttftMs;
    return range.min + random() * (range.max - range.min);
  };

  /** Answers a failure for every n-th call of the alias, else undefined. */
  const failureFor = (p: ModelProfile) => {
    const n = (callsByAlias.get(p.alias) ?? 0) + 1;
    callsByAlias.set(p.alias, n);
    if (p.failEveryNthCall > 0 && n % p.failEveryNthCall === 0) {
      return (n / p.failEveryNthCall) % 2 === 1
        ? {
            status: 429,
            type: 'rate_limit_exceeded',
            message: 'Rate limit reached (demo)',
          }
        : {
            status: 500,
            type: 'server_error',
            message: 'Upstream replica failed (demo)',
          };
    }
    return undefined;
  };

  const handleChat = async (
    body: any,
    res: ServerResponse,
    p: ModelProfile,
  ) => {
    const prompt = (body.messages ?? [])
      .map((m: any) => (typeof m.content === 'string' ? m.content : ''))
      .join('\n');
    const inputTokens = countTokens(prompt) + 12;
    const outputTokens =
      typeof body.max_tokens === 'number'
        ? Math.max(8, Math.round(body.max_tokens * (0.5 + random() * 0.5)))
        : 40 + Math.floor(random() * 80);
    const ttftMs = drawTtftMs(p);
    // Unique per server start: a second demo run must not reuse response
    // ids (the backend matches the gateway's and the span's report of a
    // call by them).
    const id = `chatcmpl-demo-${idPrefix}-${Math.floor(
      random() * 1e12,
    ).toString(36)}`;
    const created = Math.floor(Date.now() / 1000);
    const usage = {
      prompt_tokens: inputTokens,
      completion_tokens: outputTokens,
      total_tokens: inputTokens + outputTokens,
    };
    const text = Array.from(
      { length: outputTokens },
      (_, i) => WORDS[i % WORDS.length],
    ).join(' ');

    if (!body.stream) {
      await sleep(ttftMs + (outputTokens / p.tokensPerSecond) * 1000);
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: p.alias,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text },
            finish_reason: 'stop',
          },
        ],
        usage,
      });
      return;
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const chunk = (delta: object, finishReason: string | null, extra = {}) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model: p.alias,
        choices: [{ index: 0, delta, finish_reason: finishReason }],
        ...extra,
      })}\n\n`;
    await sleep(ttftMs);
    res.write(chunk({ role: 'assistant', content: WORDS[0] }, null));
    // the rest in 50 ms slices at the alias' token rate
    const tokensPerSlice = Math.max(1, Math.round(p.tokensPerSecond / 20));
    for (let sent = 1; sent < outputTokens; sent += tokensPerSlice) {
      await sleep(50);
      const n = Math.min(tokensPerSlice, outputTokens - sent);
      res.write(
        chunk(
          {
            content: ` ${text
              .split(' ')
              .slice(sent, sent + n)
              .join(' ')}`,
          },
          null,
        ),
      );
    }
    res.write(chunk({}, 'stop'));
    if (body.stream_options?.include_usage) {
      res.write(
        `data: ${JSON.stringify({
          id,
          object: 'chat.completion.chunk',
          created,
          model: p.alias,
          choices: [],
          usage,
        })}\n\n`,
      );
    }
    res.end('data: [DONE]\n\n');
  };

  const handleEmbeddings = async (
    body: any,
    res: ServerResponse,
    p: ModelProfile,
  ) => {
    const inputs: string[] = Array.isArray(body.input)
      ? body.input
      : [String(body.input ?? '')];
    await sleep(drawTtftMs(p));
    const tokens = inputs.reduce(
      (sum, text) => sum + countTokens(String(text)),
      0,
    );
    sendJson(res, 200, {
      object: 'list',
      model: p.alias,
      data: inputs.map((_, index) => {
        const vector = Float32Array.from({ length: 8 }, () => random() * 2 - 1);
        return {
          object: 'embedding',
          index,
          embedding:
            body.encoding_format === 'base64'
              ? Buffer.from(vector.buffer).toString('base64')
              : Array.from(vector),
        };
      }),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  };

  const server: Server = createServer(async (req, res) => {
    try {
      const route = `${req.method} ${req.url?.split('?')[0]}`;
      if (
        route !== 'POST /v1/chat/completions' &&
        route !== 'POST /v1/embeddings'
      ) {
        sendJson(res, 404, {
          error: { message: `no route ${route}`, type: 'not_found' },
        });
        return;
      }
      const body = await readJson(req);
      const profile = byAlias.get(body.model);
      if (!profile) {
        sendJson(res, 404, {
          error: {
            message: `'model' must be one of ${[...byAlias.keys()].join(
              ', ',
            )}, got '${body.model}'`,
            type: 'invalid_request_error',
          },
        });
        return;
      }
      const failure = failureFor(profile);
      if (failure) {
        await sleep(30 + random() * 70);
        sendJson(res, failure.status, {
          error: { message: failure.message, type: failure.type },
        });
        return;
      }
      if (route === 'POST /v1/embeddings') {
        await handleEmbeddings(body, res, profile);
      } else {
        await handleChat(body, res, profile);
      }
    } catch (error) {
      if (!res.headersSent) {
        sendJson(res, 400, {
          error: {
            message: (error as Error).message,
            type: 'invalid_request_error',
          },
        });
      } else {
        res.end();
      }
    }
  });

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
