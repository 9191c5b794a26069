import { InputError } from '@backstage/errors';
import {
  arrayField,
  bytesToHex,
  decodeAttributes,
  idToHex,
  isRecord,
  lookupOtlpProtoType,
  nanosToString,
  OtlpAttributes,
} from './otlpTraceRequest';

/**
 * One log record of an `ExportLogsServiceRequest`, decoded from JSON or
 * protobuf into the same shape. Ids are lower-case hex (empty when absent);
 * times are the raw nanosecond values (empty when absent).
 *
 * @internal
 */
export interface OtlpLogRecord {
  /** `eventName` (OTLP 1.5+), empty when absent. */
  eventName: string;
  timeUnixNano: string;
  observedTimeUnixNano: string;
  traceId: string;
  spanId: string;
  attributes: OtlpAttributes;
  resourceAttributes: OtlpAttributes;
}

/**
 * The OTLP response to a logs export request.
 *
 * @internal
 */
export interface OtlpLogsExportResponse {
  partialSuccess?: { rejectedLogRecords: number; errorMessage: string };
}

function flattenLogsRequest(
  request: unknown,
  ids: { traceId: (v: unknown) => string; spanId: (v: unknown) => string },
): OtlpLogRecord[] {
  if (!isRecord(request)) {
    throw new InputError(
      "Invalid OTLP logs request: expected an ExportLogsServiceRequest object with 'resourceLogs'",
    );
  }
  const records: OtlpLogRecord[] = [];
  arrayField(request, 'resourceLogs', '', 'logs').forEach((resourceLogs, r) => {
    const resourceAttributes = decodeAttributes(
      isRecord(resourceLogs.resource)
        ? resourceLogs.resource.attributes
        : undefined,
    );
    arrayField(
      resourceLogs,
      'scopeLogs',
      `resourceLogs[${r}].`,
      'logs',
    ).forEach((scopeLogs, s) => {
      for (const record of arrayField(
        scopeLogs,
        'logRecords',
        `resourceLogs[${r}].scopeLogs[${s}].`,
        'logs',
      )) {
        records.push({
          eventName:
            typeof record.eventName === 'string' ? record.eventName : '',
          timeUnixNano: nanosToString(record.timeUnixNano),
          observedTimeUnixNano: nanosToString(record.observedTimeUnixNano),
          traceId: ids.traceId(record.traceId),
          spanId: ids.spanId(record.spanId),
          attributes: decodeAttributes(record.attributes),
          resourceAttributes,
        });
      }
    });
  });
  return records;
}

/**
 * Decodes an OTLP/HTTP JSON `ExportLogsServiceRequest` body.
 *
 * @throws InputError when the body is not JSON or not shaped like a request
 * @internal
 */
export function decodeOtlpLogsJson(body: Buffer): OtlpLogRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new InputError(
      `Malformed JSON body: ${
        (error as Error).message
      }; expected an OTLP ExportLogsServiceRequest`,
    );
  }
  return flattenLogsRequest(parsed, {
    traceId: v => idToHex(v, 16),
    spanId: v => idToHex(v, 8),
  });
}

/**
 * Decodes an OTLP/HTTP protobuf `ExportLogsServiceRequest` body.
 *
 * @throws InputError when the body is not a valid protobuf message
 * @internal
 */
export function decodeOtlpLogsProtobuf(body: Buffer): OtlpLogRecord[] {
  const requestType = lookupOtlpProtoType('ExportLogsServiceRequest');
  let object: Record<string, unknown>;
  try {
    object = requestType.toObject(requestType.decode(body), {
      longs: String,
      enums: Number,
      oneofs: false,
    });
  } catch (error) {
    throw new InputError(
      `Malformed protobuf body: ${
        (error as Error).message
      }; expected an OTLP ExportLogsServiceRequest`,
    );
  }
  return flattenLogsRequest(object, {
    traceId: bytesToHex,
    spanId: bytesToHex,
  });
}

/**
 * Encodes an OTLP logs export response as JSON (int64 as a decimal string)
 * or protobuf.
 *
 * @internal
 */
export function encodeOtlpLogsResponse(
  response: OtlpLogsExportResponse,
  format: 'json' | 'protobuf',
): Buffer {
  if (format === 'json') {
    const json = response.partialSuccess
      ? {
          partialSuccess: {
            rejectedLogRecords: String(
              response.partialSuccess.rejectedLogRecords,
            ),
            errorMessage: response.partialSuccess.errorMessage,
          },
        }
      : {};
    return Buffer.from(JSON.stringify(json), 'utf8');
  }
  const responseType = lookupOtlpProtoType('ExportLogsServiceResponse');
  const message = responseType.fromObject(
    response.partialSuccess ? { partialSuccess: response.partialSuccess } : {},
  );
  return Buffer.from(responseType.encode(message).finish());
}
