import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { loadSync, Reader, Type } from 'protobufjs';
import { MAX_ANY_VALUE_DEPTH, MAX_ATTRIBUTES_PER_LIST } from './ingestLimits';

/**
 * An OTLP attribute value (`AnyValue`) as a plain value: strings, numbers
 * (`intValue` and `doubleValue`), booleans, arrays, key/value maps; bytes as
 * base64 strings.
 *
 * @internal
 */
export type OtlpAttributeValue =
  | string
  | number
  | boolean
  | null
  | OtlpAttributeValue[]
  | { [key: string]: OtlpAttributeValue };

/**
 * OTLP attributes keyed by attribute name.
 *
 * @internal
 */
export type OtlpAttributes = Map<string, OtlpAttributeValue>;

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
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
  resourceAttributes: OtlpAttributes;
}

/**
 * The OTLP response to an export request.
 *
 * @internal
 */
export interface OtlpTraceExportResponse {
  partialSuccess?: { rejectedSpans: number; errorMessage: string };
}

const PROTO_FILE = resolvePackagePath(
  '@ai-platform/plugin-ai-platform-backend',
  'proto/otlp_trace_service.proto',
);

let protoRoot: ReturnType<typeof loadSync> | undefined;

type MessageDecoder = (
  reader: Reader | Uint8Array,
  length?: number,
  end?: number,
  depth?: number,
) => ReturnType<Type['decode']>;

/**
 * Makes protobuf decoding of `AnyValue` stop at {@link MAX_ANY_VALUE_DEPTH}:
 * a deeper value is skipped (decoded as an empty `AnyValue`, i.e. null), as
 * the JSON decoder drops it, so neither protobufjs' recursion limit nor the
 * stack is reached by any body.
 */
function capAnyValueDepth(anyValue: Type) {
  // Generates the type's decoder now; nested messages call `decode` of
  // their field types, so replacing it here applies at every depth.
  anyValue.setup();
  const decode = anyValue.decode.bind(anyValue) as MessageDecoder;
  let depth = 0;
  const capped: MessageDecoder = (reader, length, end, nesting) => {
    if (
      depth >= MAX_ANY_VALUE_DEPTH &&
      reader instanceof Reader &&
      typeof length === 'number'
    ) {
      reader.skip(length);
      return anyValue.create({});
    }
    depth += 1;
    try {
      return decode(reader, length, end, nesting);
    } finally {
      depth -= 1;
    }
  };
  anyValue.decode = capped as Type['decode'];
}

/**
 * Looks up a message type of the vendored OTLP subset
 * (`proto/otlp_trace_service.proto`), e.g. `ExportLogsServiceRequest`.
 *
 * @internal
 */
export function lookupOtlpProtoType(name: string): Type {
  if (!protoRoot) {
    const root = loadSync(PROTO_FILE);
    capAnyValueDepth(root.lookupType('aiplatform.otlp.v1.AnyValue'));
    protoRoot = root;
  }
  return protoRoot.lookupType(`aiplatform.otlp.v1.${name}`);
}

function getProtoTypes() {
  return {
    request: lookupOtlpProtoType('ExportTraceServiceRequest'),
    response: lookupOtlpProtoType('ExportTraceServiceResponse'),
  };
}

/** @internal */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads an array of objects of an OTLP request, `[]` when absent.
 *
 * @throws InputError naming the field when it is not an array of objects
 * @internal
 */
export function arrayField(
  container: Record<string, unknown>,
  field: string,
  path: string,
  requestKind: 'trace' | 'logs' | 'metrics' = 'trace',
): Record<string, unknown>[] {
  const value = container[field];
  if (value === undefined || value === null) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw new InputError(
      `Invalid OTLP ${requestKind} request: '${path}${field}' must be an array`,
    );
  }
  value.forEach((item, index) => {
    if (!isRecord(item)) {
      throw new InputError(
        `Invalid OTLP ${requestKind} request: '${path}${field}[${index}]' must be an object`,
      );
    }
  });
  return value as Record<string, unknown>[];
}

/**
 * Ids are hex in OTLP JSON; base64 (proto3 JSON) is accepted as well.
 *
 * @internal
 */
export function idToHex(value: unknown, byteLength: number): string {
  if (typeof value !== 'string' || value === '') {
    return '';
  }
  if (/^[0-9a-fA-F]+$/.test(value) && value.length === byteLength * 2) {
    return value.toLowerCase();
  }
  const decoded = Buffer.from(value, 'base64');
  if (decoded.length === byteLength && decoded.toString('base64') === value) {
    return decoded.toString('hex');
  }
  return value;
}

/** @internal */
export function bytesToHex(value: unknown): string {
  if (value instanceof Uint8Array) {
    return Buffer.from(value).toString('hex');
  }
  return '';
}

/** @internal */
export function nanosToString(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    return String(value);
  }
  if (isRecord(value) && typeof value.toString === 'function') {
    // protobufjs Long
    return value.toString();
  }
  return '';
}

/**
 * Decodes a JSON or protobuf (as `toObject`) `AnyValue`; members nested
 * deeper than {@link MAX_ANY_VALUE_DEPTH} are dropped (null).
 */
function decodeAnyValue(value: unknown, depth: number): OtlpAttributeValue {
  if (!isRecord(value) || depth > MAX_ANY_VALUE_DEPTH) {
    return null;
  }
  if (typeof value.stringValue === 'string') {
    return value.stringValue;
  }
  if (typeof value.boolValue === 'boolean') {
    return value.boolValue;
  }
  if (value.intValue !== undefined && value.intValue !== null) {
    const parsed = Number(nanosToString(value.intValue));
    return Number.isFinite(parsed) ? parsed : String(value.intValue);
  }
  if (value.doubleValue !== undefined && value.doubleValue !== null) {
    return Number(value.doubleValue);
  }
  if (isRecord(value.arrayValue)) {
    const values = value.arrayValue.values;
    return Array.isArray(values)
      ? values.map(member => decodeAnyValue(member, depth + 1))
      : [];
  }
  if (isRecord(value.kvlistValue)) {
    return Object.fromEntries(
      decodeAttributeList(value.kvlistValue.values, depth + 1),
    );
  }
  if (typeof value.bytesValue === 'string') {
    return value.bytesValue;
  }
  if (value.bytesValue instanceof Uint8Array) {
    return Buffer.from(value.bytesValue).toString('base64');
  }
  return null;
}

function decodeAttributeList(value: unknown, depth: number): OtlpAttributes {
  const attributes: OtlpAttributes = new Map();
  if (!Array.isArray(value)) {
    return attributes;
  }
  const count = Math.min(value.length, MAX_ATTRIBUTES_PER_LIST);
  for (let i = 0; i < count; i++) {
    const item = value[i];
    if (isRecord(item) && typeof item.key === 'string') {
      attributes.set(item.key, decodeAnyValue(item.value, depth));
    }
  }
  return attributes;
}

/**
 * Decodes OTLP `KeyValue[]` (JSON or protobuf `toObject`) into a map. Values
 * nested deeper than {@link MAX_ANY_VALUE_DEPTH} are dropped (null), and
 * attributes after the first {@link MAX_ATTRIBUTES_PER_LIST} are ignored.
 *
 * @internal
 */
export function decodeAttributes(value: unknown): OtlpAttributes {
  return decodeAttributeList(value, 1);
}

/**
 * Walks `resourceSpans[].scopeSpans[].spans[]` of a request object (JSON, or
 * protobuf after `toObject`) and flattens it into spans.
 */
function flattenRequest(
  request: unknown,
  ids: { traceId: (v: unknown) => string; spanId: (v: unknown) => string },
): OtlpSpan[] {
  if (!isRecord(request)) {
    throw new InputError(
      "Invalid OTLP trace request: expected an ExportTraceServiceRequest object with 'resourceSpans'",
    );
  }
  const spans: OtlpSpan[] = [];
  arrayField(request, 'resourceSpans', '').forEach((resourceSpans, r) => {
    const resourceAttributes = decodeAttributes(
      isRecord(resourceSpans.resource)
        ? resourceSpans.resource.attributes
        : undefined,
    );
    arrayField(resourceSpans, 'scopeSpans', `resourceSpans[${r}].`).forEach(
      (scopeSpans, s) => {
        for (const span of arrayField(
          scopeSpans,
          'spans',
          `resourceSpans[${r}].scopeSpans[${s}].`,
        )) {
          const status = isRecord(span.status) ? span.status : {};
          spans.push({
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
            statusCode: Number(status.code ?? 0),
            statusMessage:
              typeof status.message === 'string' ? status.message : '',
            resourceAttributes,
          });
        }
      },
    );
  });
  return spans;
}

/**
 * Decodes an OTLP/HTTP JSON `ExportTraceServiceRequest` body.
 *
 * @throws InputError when the body is not JSON or not shaped like a request
 * @internal
 */
export function decodeOtlpTraceJson(body: Buffer): OtlpSpan[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new InputError(
      `Malformed JSON body: ${
        (error as Error).message
      }; expected an OTLP ExportTraceServiceRequest`,
    );
  }
  return flattenRequest(parsed, {
    traceId: v => idToHex(v, 16),
    spanId: v => idToHex(v, 8),
  });
}

/**
 * Decodes an OTLP/HTTP protobuf `ExportTraceServiceRequest` body.
 *
 * @throws InputError when the body is not a valid protobuf message
 * @internal
 */
export function decodeOtlpTraceProtobuf(body: Buffer): OtlpSpan[] {
  const { request } = getProtoTypes();
  let object: Record<string, unknown>;
  try {
    const message = request.decode(body);
    object = request.toObject(message, {
      longs: String,
      enums: Number,
      oneofs: false,
    });
  } catch (error) {
    throw new InputError(
      `Malformed protobuf body: ${
        (error as Error).message
      }; expected an OTLP ExportTraceServiceRequest`,
    );
  }
  return flattenRequest(object, { traceId: bytesToHex, spanId: bytesToHex });
}

/**
 * Encodes an OTLP trace export response as JSON (int64 as a decimal string,
 * per the OTLP JSON encoding) or protobuf.
 *
 * @internal
 */
export function encodeOtlpTraceResponse(
  response: OtlpTraceExportResponse,
  format: 'json' | 'protobuf',
): Buffer {
  if (format === 'json') {
    const json = response.partialSuccess
      ? {
          partialSuccess: {
            rejectedSpans: String(response.partialSuccess.rejectedSpans),
            errorMessage: response.partialSuccess.errorMessage,
          },
        }
      : {};
    return Buffer.from(JSON.stringify(json), 'utf8');
  }
  const { response: responseType } = getProtoTypes();
  const message = responseType.fromObject(
    response.partialSuccess ? { partialSuccess: response.partialSuccess } : {},
  );
  return Buffer.from(responseType.encode(message).finish());
}
