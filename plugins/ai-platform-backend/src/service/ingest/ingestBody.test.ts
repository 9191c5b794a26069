import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { gzipSync } from 'node:zlib';
import { createErrorResponseMiddleware } from '../errorResponses';
import { createIngestBodyReader, otlpBodyFormatOf } from './ingestBody';

const MAX_BODY_BYTES = 1024;

/** A route that echoes what the body reader and format check made of it. */
function createApp() {
  const app = express();
  app.post('/v1/traces', createIngestBodyReader(MAX_BODY_BYTES), (req, res) => {
    const format = otlpBodyFormatOf(req);
    res.json({ format, body: (req.body as Buffer).toString('utf8') });
  });
  app.use(
    createErrorResponseMiddleware({ logger: mockServices.logger.mock() }),
  );
  return app;
}

/** Sends a Buffer as is (superagent would serialize it as JSON). */
const rawBody = (body: Buffer) => body as unknown as string;

describe('ingest body reading', () => {
  const app = createApp();

  it('gunzips a gzip body', async () => {
    const json = JSON.stringify({ resourceSpans: [] });
    const response = await request(app)
      .post('/v1/traces')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize(rawBody)
      .send(gzipSync(Buffer.from(json)));
    expect(response.body).toEqual({ format: 'json', body: json });
    expect(response.status).toBe(200);
  });

  it('takes protobuf under application/x-protobuf and application/protobuf', async () => {
    for (const type of ['application/x-protobuf', 'application/protobuf']) {
      const response = await request(app)
        .post('/v1/traces')
        .set('Content-Type', type)
        .serialize(rawBody)
        .send(Buffer.from('x'));
      expect(response.body.format).toBe('protobuf');
    }
  });

  it('refuses another content type with 415 naming it', async () => {
    const response = await request(app)
      .post('/v1/traces')
      .set('Content-Type', 'text/plain')
      .send('hello');
    expect(response.status).toBe(415);
    expect(response.body.error).toEqual({
      name: 'UnsupportedMediaTypeError',
      message:
        "Unsupported Content-Type 'text/plain': expected application/json or application/x-protobuf",
    });
  });

  it('refuses an unknown content encoding with 415', async () => {
    const response = await request(app)
      .post('/v1/traces')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'br')
      .serialize(rawBody)
      .send(Buffer.from('{}'));
    expect(response.status).toBe(415);
    expect(response.body.error.message).toBe(
      "Unsupported Content-Encoding 'br': expected gzip or no encoding",
    );
  });

  it('answers 400 for a body that is not gzip', async () => {
    const response = await request(app)
      .post('/v1/traces')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize(rawBody)
      .send(Buffer.from('not gzip at all'));
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(
      /^Malformed gzip body: the body could not be decompressed \(.+\)$/,
    );
  });

  it('counts the limit after decompression', async () => {
    // 4 KiB of spaces gzip to a few dozen bytes, under the limit on the wire.
    const compressed = gzipSync(Buffer.alloc(4 * MAX_BODY_BYTES, ' '));
    expect(compressed.length).toBeLessThan(MAX_BODY_BYTES);
    const response = await request(app)
      .post('/v1/traces')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize(rawBody)
      .send(compressed);
    expect(response.status).toBe(413);
    expect(response.body.error).toEqual({
      name: 'PayloadTooLargeError',
      message: `Request body exceeds the ingest limit of ${MAX_BODY_BYTES} bytes after decompression (aiPlatform.ingest.maxBodyBytes)`,
    });
  });
});
