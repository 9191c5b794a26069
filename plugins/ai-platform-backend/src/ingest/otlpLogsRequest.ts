import { InputError } from '@backstage/errors';
import {
  decodeOtlpBody,
  OTLP_LOGS,
  OtlpBodyFormat,
} from '../otlp/otlpEnvelope';
import {
  arrayField,
  decodeAttributes,
  decodeResourceAttributes,
  isRecord,
  nanosToString,
  OtlpAttributes,
  OtlpIdReaders,
} from '../otlp/otlpValues';

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

function flattenLogsRequest(
  request: unknown,
  ids: OtlpIdReaders,
): OtlpLogRecord[] {
  if (!isRecord(request)) {
    throw new InputError(
      "Invalid OTLP logs request: expected an ExportLogsServiceRequest object with 'resourceLogs'",
    );
  }
  const records: OtlpLogRecord[] = [];
  arrayField(request, 'resourceLogs', '', 'logs').forEach((resourceLogs, r) => {
    const resourceAttributes = decodeResourceAttributes(resourceLogs.resource);
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
 * Decodes an OTLP/HTTP `ExportLogsServiceRequest` body (JSON or protobuf)
 * into its log records.
 *
 * @throws InputError when the body is malformed or not shaped like a request
 * @internal
 */
export function decodeOtlpLogsRequest(
  body: Buffer,
  format: OtlpBodyFormat,
): OtlpLogRecord[] {
  const { request, ids } = decodeOtlpBody(OTLP_LOGS, body, format);
  return flattenLogsRequest(request, ids);
}
