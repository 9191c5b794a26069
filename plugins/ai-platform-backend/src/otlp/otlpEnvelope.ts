import { InputError } from '@backstage/errors';
import { lookupOtlpProtoType } from './otlpProto';
import {
  JSON_ID_READERS,
  OtlpIdReaders,
  OtlpRequestKind,
  PROTOBUF_ID_READERS,
} from './otlpValues';

/**
 * The two OTLP/HTTP body encodings.
 *
 * @internal
 */
export type OtlpBodyFormat = 'json' | 'protobuf';

/**
 * One OTLP signal's envelope: its request and response messages and the
 * counter of its partial success.
 *
 * @internal
 */
export interface OtlpSignal {
  kind: OtlpRequestKind;
  requestMessage: string;
  responseMessage: string;
  /** The `ExportXPartialSuccess` field counting rejected items. */
  rejectedField: string;
}

/** `POST /v1/traces`. @internal */
export const OTLP_TRACES: OtlpSignal = {
  kind: 'trace',
  requestMessage: 'ExportTraceServiceRequest',
  responseMessage: 'ExportTraceServiceResponse',
  rejectedField: 'rejectedSpans',
};

/** `POST /v1/logs`. @internal */
export const OTLP_LOGS: OtlpSignal = {
  kind: 'logs',
  requestMessage: 'ExportLogsServiceRequest',
  responseMessage: 'ExportLogsServiceResponse',
  rejectedField: 'rejectedLogRecords',
};

/** `POST /v1/metrics`. @internal */
export const OTLP_METRICS: OtlpSignal = {
  kind: 'metrics',
  requestMessage: 'ExportMetricsServiceRequest',
  responseMessage: 'ExportMetricsServiceResponse',
  rejectedField: 'rejectedDataPoints',
};

/**
 * The request content types of each format (OTLP/HTTP names
 * `application/x-protobuf`; `application/protobuf` is accepted too) and, first,
 * the one the response is sent with.
 *
 * @internal
 */
export const OTLP_CONTENT_TYPES: Readonly<
  Record<OtlpBodyFormat, readonly string[]>
> = {
  protobuf: ['application/x-protobuf', 'application/protobuf'],
  json: ['application/json'],
};

/**
 * The format of a request whose Content-Type matches by `is` (e.g. express'
 * `req.is`), protobuf first; undefined when it is neither.
 *
 * @internal
 */
export function otlpBodyFormat(
  is: (contentType: string) => boolean,
): OtlpBodyFormat | undefined {
  if (OTLP_CONTENT_TYPES.protobuf.some(is)) {
    return 'protobuf';
  }
  return OTLP_CONTENT_TYPES.json.some(is) ? 'json' : undefined;
}

/** The Content-Type of a response in `format`. @internal */
export function otlpResponseContentType(format: OtlpBodyFormat): string {
  return OTLP_CONTENT_TYPES[format][0];
}

/**
 * A decoded request: the request object (OTLP JSON, or protobuf after
 * `toObject` with int64 as decimal strings and enums as numbers, the shapes
 * of OTLP JSON) and how its ids are read.
 *
 * @internal
 */
export interface OtlpDecodedBody {
  request: unknown;
  ids: OtlpIdReaders;
}

/**
 * Decodes an (already gunzipped) OTLP/HTTP body of `signal` in `format`.
 *
 * @throws InputError when the body is not JSON or not a valid protobuf
 * message, naming the expected request message
 * @internal
 */
export function decodeOtlpBody(
  signal: OtlpSignal,
  body: Buffer,
  format: OtlpBodyFormat,
): OtlpDecodedBody {
  if (format === 'json') {
    try {
      return {
        request: JSON.parse(body.toString('utf8')),
        ids: JSON_ID_READERS,
      };
    } catch (error) {
      throw new InputError(
        `Malformed JSON body: ${(error as Error).message}; expected an OTLP ${
          signal.requestMessage
        }`,
      );
    }
  }
  const requestType = lookupOtlpProtoType(signal.requestMessage);
  try {
    const request = requestType.toObject(requestType.decode(body), {
      longs: String,
      enums: Number,
      oneofs: false,
    });
    return { request, ids: PROTOBUF_ID_READERS };
  } catch (error) {
    throw new InputError(
      `Malformed protobuf body: ${(error as Error).message}; expected an OTLP ${
        signal.requestMessage
      }`,
    );
  }
}

/**
 * An item of a batch that was not stored, with the reason.
 *
 * @internal
 */
export interface OtlpRejectedItem {
  index: number;
  message: string;
}

/**
 * The partial success of an export: how many items were rejected and a
 * message quoting the first reasons.
 *
 * @internal
 */
export interface OtlpPartialSuccess {
  rejectedCount: number;
  errorMessage: string;
}

/** Messages of rejected items quoted in an OTLP partial success. */
const MAX_QUOTED_REJECTIONS = 5;

/**
 * The partial success of a batch with `rejected` items (`count` of them in
 * all, when some stand for many), undefined when none was rejected.
 *
 * @internal
 */
export function otlpPartialSuccess(
  rejected: OtlpRejectedItem[],
  what: string,
  count = rejected.length,
): OtlpPartialSuccess | undefined {
  if (count === 0) {
    return undefined;
  }
  const quoted = rejected
    .slice(0, MAX_QUOTED_REJECTIONS)
    .map(item => item.message)
    .join('; ');
  const more = rejected.length > MAX_QUOTED_REJECTIONS ? '; ...' : '';
  return {
    rejectedCount: count,
    errorMessage: `${count} ${what} rejected: ${quoted}${more}`,
  };
}

/**
 * Encodes the export response of `signal`: `{}` when everything was
 * stored, else a `partialSuccess`; in JSON int64 is a decimal string (the
 * OTLP JSON encoding).
 *
 * @internal
 */
export function encodeOtlpResponse(
  signal: OtlpSignal,
  partialSuccess: OtlpPartialSuccess | undefined,
  format: OtlpBodyFormat,
): Buffer {
  if (format === 'json') {
    const json = partialSuccess
      ? {
          partialSuccess: {
            [signal.rejectedField]: String(partialSuccess.rejectedCount),
            errorMessage: partialSuccess.errorMessage,
          },
        }
      : {};
    return Buffer.from(JSON.stringify(json), 'utf8');
  }
  const responseType = lookupOtlpProtoType(signal.responseMessage);
  const message = responseType.fromObject(
    partialSuccess
      ? {
          partialSuccess: {
            [signal.rejectedField]: partialSuccess.rejectedCount,
            errorMessage: partialSuccess.errorMessage,
          },
        }
      : {},
  );
  return Buffer.from(responseType.encode(message).finish());
}
