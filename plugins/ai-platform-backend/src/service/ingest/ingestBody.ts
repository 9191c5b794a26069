import { CustomErrorBase, InputError } from '@backstage/errors';
import express from 'express';
import { otlpBodyFormat, OtlpBodyFormat } from '../../otlp/otlpEnvelope';
import { UnsupportedMediaTypeError } from '../httpErrors';

/**
 * The request body exceeds `aiPlatform.ingest.maxBodyBytes`.
 *
 * @internal
 */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  statusCode = 413;
}

/**
 * Reads the body of an ingest request into `req.body` as a Buffer, gunzipped
 * (`Content-Encoding: gzip`) and at most `maxBodyBytes` after decompression;
 * any Content-Type.
 *
 * @internal
 */
export function createIngestBodyReader(
  maxBodyBytes: number,
): express.RequestHandler {
  const rawBodyParser = express.raw({
    type: () => true,
    limit: maxBodyBytes,
    inflate: true,
  });
  return (req, res, next) => {
    rawBodyParser(req, res, error => {
      if (!error) {
        if (!Buffer.isBuffer(req.body)) {
          req.body = Buffer.alloc(0);
        }
        next();
        return;
      }
      const encoding = String(req.headers['content-encoding'] ?? 'identity');
      if (error.type === 'entity.too.large') {
        next(
          new PayloadTooLargeError(
            `Request body exceeds the ingest limit of ${maxBodyBytes} bytes${
              encoding === 'identity' ? '' : ' after decompression'
            } (aiPlatform.ingest.maxBodyBytes)`,
          ),
        );
      } else if (error.type === 'encoding.unsupported') {
        next(
          new UnsupportedMediaTypeError(
            `Unsupported Content-Encoding '${encoding}': expected gzip or no encoding`,
          ),
        );
      } else if (encoding !== 'identity') {
        next(
          new InputError(
            `Malformed ${encoding} body: the body could not be decompressed (${
              error.code ?? error.message
            })`,
          ),
        );
      } else {
        next(
          new InputError(`Could not read the request body: ${error.message}`),
        );
      }
    });
  };
}

/**
 * The OTLP body format of a request by its Content-Type.
 *
 * @throws UnsupportedMediaTypeError naming the Content-Type received
 * @internal
 */
export function otlpBodyFormatOf(req: express.Request): OtlpBodyFormat {
  const format = otlpBodyFormat(type => Boolean(req.is(type)));
  if (!format) {
    throw new UnsupportedMediaTypeError(
      `Unsupported Content-Type '${
        req.headers['content-type'] ?? '(none)'
      }': expected application/json or application/x-protobuf`,
    );
  }
  return format;
}

/**
 * The content type check of `POST /ingest/litellm`: JSON or NDJSON.
 *
 * @throws UnsupportedMediaTypeError naming the Content-Type received
 * @internal
 */
export function assertLiteLlmContentType(req: express.Request): void {
  if (!req.is('application/json') && !req.is('application/x-ndjson')) {
    throw new UnsupportedMediaTypeError(
      `Unsupported Content-Type '${
        req.headers['content-type'] ?? '(none)'
      }': expected application/json`,
    );
  }
}
