import { InputError } from '@backstage/errors';
import {
  decodeOtlpBody,
  OTLP_TRACES,
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
 * One span of an `ExportTraceServiceRequest`, decoded from JSON or protobuf
 * into the same shape. Ids are lower-case hex (empty when absent); times are
 * the raw nanosecond values, validated when the span is mapped.
 *
 * @internal
 */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttributes;
  events: Array<{
    name: string;
    timeUnixNano: string;
    attributes: OtlpAttributes;
  }>;
  /** 0 unset, 1 ok, 2 error (also read from `STATUS_CODE_*` names). */
  statusCode: number;
  statusMessage: string;
  resourceAttributes: OtlpAttributes;
}

/** OTLP `Status.StatusCode` names (Python exporters send enums by name). */
const STATUS_CODE_NAMES: Record<string, number> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

/** A status code as a number, or by its enum name as OTLP JSON allows. */
function statusCodeOf(code: unknown): number {
  if (typeof code === 'string' && code in STATUS_CODE_NAMES) {
    return STATUS_CODE_NAMES[code];
  }
  return Number(code ?? 0);
}

function mapSpan(
  span: Record<string, unknown>,
  ids: OtlpIdReaders,
  resourceAttributes: OtlpAttributes,
): OtlpSpan {
  const status = isRecord(span.status) ? span.status : {};
  return {
    traceId: ids.traceId(span.traceId),
    spanId: ids.spanId(span.spanId),
    parentSpanId: ids.spanId(span.parentSpanId),
    name: typeof span.name === 'string' ? span.name : '',
    startTimeUnixNano: nanosToString(span.startTimeUnixNano),
    endTimeUnixNano: nanosToString(span.endTimeUnixNano),
    attributes: decodeAttributes(span.attributes),
    events: (Array.isArray(span.events) ? span.events : [])
      .filter(isRecord)
      .map(event => ({
        name: typeof event.name === 'string' ? event.name : '',
        timeUnixNano: nanosToString(event.timeUnixNano),
        attributes: decodeAttributes(event.attributes),
      })),
    statusCode: statusCodeOf(status.code),
    statusMessage: typeof status.message === 'string' ? status.message : '',
    resourceAttributes,
  };
}

/**
 * Walks `resourceSpans[].scopeSpans[].spans[]` of a request object (JSON, or
 * protobuf after `toObject`) and flattens it into spans.
 */
function flattenTraceRequest(request: unknown, ids: OtlpIdReaders) {
  if (!isRecord(request)) {
    throw new InputError(
      "Invalid OTLP trace request: expected an ExportTraceServiceRequest object with 'resourceSpans'",
    );
  }
  const spans: OtlpSpan[] = [];
  arrayField(request, 'resourceSpans', '').forEach((resourceSpans, r) => {
    const resourceAttributes = decodeResourceAttributes(resourceSpans.resource);
    arrayField(resourceSpans, 'scopeSpans', `resourceSpans[${r}].`).forEach(
      (scopeSpans, s) => {
        const path = `resourceSpans[${r}].scopeSpans[${s}].`;
        for (const span of arrayField(scopeSpans, 'spans', path)) {
          spans.push(mapSpan(span, ids, resourceAttributes));
        }
      },
    );
  });
  return spans;
}

/**
 * Decodes an OTLP/HTTP `ExportTraceServiceRequest` body (JSON or protobuf)
 * into its spans.
 *
 * @throws InputError when the body is malformed or not shaped like a request
 * @internal
 */
export function decodeOtlpTraceRequest(
  body: Buffer,
  format: OtlpBodyFormat,
): OtlpSpan[] {
  const { request, ids } = decodeOtlpBody(OTLP_TRACES, body, format);
  return flattenTraceRequest(request, ids);
}
