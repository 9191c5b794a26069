import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { loadSync, Reader, Type } from 'protobufjs';
import { MAX_ANY_VALUE_DEPTH } from './otlpValues';

/**
 * The OTLP messages the ingest reads and answers with; a subset of
 * opentelemetry-proto merged into one file, see its header.
 */
const PROTO_FILE = resolvePackagePath(
  '@ai-platform/plugin-ai-platform-backend',
  'proto/otlp_trace_service.proto',
);

const PROTO_PACKAGE = 'aiplatform.otlp.v1';

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
    capAnyValueDepth(root.lookupType(`${PROTO_PACKAGE}.AnyValue`));
    protoRoot = root;
  }
  return protoRoot.lookupType(`${PROTO_PACKAGE}.${name}`);
}
