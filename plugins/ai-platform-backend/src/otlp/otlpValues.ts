import { InputError } from '@backstage/errors';

/**
 * Deepest OTLP `AnyValue` kept (an attribute's own value is depth 1): deeper
 * array and key/value list members are dropped (decoded as `null`), in JSON
 * and protobuf alike, so no decoder recursion depends on the input.
 *
 * @internal
 */
export const MAX_ANY_VALUE_DEPTH = 16;

/**
 * Attributes kept per attribute list (span, event, resource, key/value
 * list value); the rest are dropped. OTel SDKs default to 128.
 *
 * @internal
 */
export const MAX_ATTRIBUTES_PER_LIST = 1_024;

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
 * The signal an OTLP request carries, as its error messages name it.
 *
 * @internal
 */
export type OtlpRequestKind = 'trace' | 'logs' | 'metrics';

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
  requestKind: OtlpRequestKind = 'trace',
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

/**
 * How trace and span ids are read: hex (or base64) strings in OTLP JSON,
 * bytes in protobuf.
 *
 * @internal
 */
export interface OtlpIdReaders {
  traceId: (value: unknown) => string;
  spanId: (value: unknown) => string;
}

/** @internal */
export const JSON_ID_READERS: OtlpIdReaders = {
  traceId: value => idToHex(value, 16),
  spanId: value => idToHex(value, 8),
};

/** @internal */
export const PROTOBUF_ID_READERS: OtlpIdReaders = {
  traceId: bytesToHex,
  spanId: bytesToHex,
};

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
 * The attributes of a `resource` (absent: none).
 *
 * @internal
 */
export function decodeResourceAttributes(resource: unknown): OtlpAttributes {
  return decodeAttributes(isRecord(resource) ? resource.attributes : undefined);
}
