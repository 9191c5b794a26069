import { InputError } from '@backstage/errors';
import {
  decodeOtlpBody,
  encodeOtlpResponse,
  OTLP_LOGS,
  OTLP_METRICS,
  OTLP_TRACES,
  otlpBodyFormat,
  otlpPartialSuccess,
  otlpResponseContentType,
} from './otlpEnvelope';
import { lookupOtlpProtoType } from './otlpProto';

const TRACE_ID_HEX = '5b8efff798038103d269b633813fc60c';
const SPAN_ID_HEX = 'eee19b7ec3c1b174';

describe('otlpBodyFormat', () => {
  const matching =
    (...accepted: string[]) =>
    (type: string) =>
      accepted.includes(type);

  it('reads protobuf under both names and JSON, nothing else', () => {
    expect(otlpBodyFormat(matching('application/x-protobuf'))).toBe('protobuf');
    expect(otlpBodyFormat(matching('application/protobuf'))).toBe('protobuf');
    expect(otlpBodyFormat(matching('application/json'))).toBe('json');
    expect(otlpBodyFormat(matching('text/plain'))).toBeUndefined();
  });

  it('answers in the OTLP content type of the format', () => {
    expect(otlpResponseContentType('protobuf')).toBe('application/x-protobuf');
    expect(otlpResponseContentType('json')).toBe('application/json');
  });
});

describe('decodeOtlpBody', () => {
  it('decodes JSON with hex ids', () => {
    const body = Buffer.from(
      JSON.stringify({ resourceSpans: [{ scopeSpans: [] }] }),
    );
    const { request, ids } = decodeOtlpBody(OTLP_TRACES, body, 'json');
    expect(request).toEqual({ resourceSpans: [{ scopeSpans: [] }] });
    expect(ids.traceId(TRACE_ID_HEX.toUpperCase())).toBe(TRACE_ID_HEX);
    // proto3 JSON (base64) ids are read too.
    expect(ids.spanId(Buffer.from(SPAN_ID_HEX, 'hex').toString('base64'))).toBe(
      SPAN_ID_HEX,
    );
  });

  it('decodes protobuf to the OTLP JSON shape with byte ids', () => {
    const requestType = lookupOtlpProtoType('ExportLogsServiceRequest');
    const body = Buffer.from(
      requestType
        .encode(
          requestType.fromObject({
            resourceLogs: [
              {
                scopeLogs: [
                  {
                    logRecords: [
                      {
                        timeUnixNano: '1789899310000000000',
                        severityNumber: 9,
                        traceId: Buffer.from(TRACE_ID_HEX, 'hex'),
                        spanId: Buffer.from(SPAN_ID_HEX, 'hex'),
                        attributes: [{ key: 'n', value: { intValue: '42' } }],
                      },
                    ],
                  },
                ],
              },
            ],
          }),
        )
        .finish(),
    );
    const { request, ids } = decodeOtlpBody(OTLP_LOGS, body, 'protobuf');
    const record = (request as any).resourceLogs[0].scopeLogs[0].logRecords[0];
    // int64 as decimal strings and enums as numbers, as in OTLP JSON.
    expect(record.timeUnixNano).toBe('1789899310000000000');
    expect(record.severityNumber).toBe(9);
    expect(record.attributes).toEqual([
      { key: 'n', value: { intValue: '42' } },
    ]);
    expect(ids.traceId(record.traceId)).toBe(TRACE_ID_HEX);
    expect(ids.spanId(record.spanId)).toBe(SPAN_ID_HEX);
  });

  it('names the expected message when JSON is malformed', () => {
    const decode = () =>
      decodeOtlpBody(OTLP_METRICS, Buffer.from('{"resourceMetrics":'), 'json');
    expect(decode).toThrow(InputError);
    expect(decode).toThrow(
      /^Malformed JSON body: .+; expected an OTLP ExportMetricsServiceRequest$/,
    );
  });

  it('names the expected message when protobuf is malformed', () => {
    // Field 1 (resource_spans), length-delimited, claims 127 bytes; 1 follows.
    const body = Buffer.from([0x0a, 0x7f, 0x00]);
    const decode = () => decodeOtlpBody(OTLP_TRACES, body, 'protobuf');
    expect(decode).toThrow(InputError);
    expect(decode).toThrow(
      /^Malformed protobuf body: .+; expected an OTLP ExportTraceServiceRequest$/,
    );
  });
});

describe('otlpPartialSuccess', () => {
  const rejections = (count: number) =>
    Array.from({ length: count }, (_, index) => ({
      index,
      message: `span ${index}: bad`,
    }));

  it('is absent when nothing was rejected', () => {
    expect(otlpPartialSuccess([], 'span(s)')).toBeUndefined();
  });

  it('quotes the first five rejections and marks the rest', () => {
    expect(otlpPartialSuccess(rejections(7), 'span(s)')).toEqual({
      rejectedCount: 7,
      errorMessage:
        '7 span(s) rejected: span 0: bad; span 1: bad; span 2: bad; span 3: bad; span 4: bad; ...',
    });
  });

  it('counts items that one rejection stands for', () => {
    expect(otlpPartialSuccess(rejections(1), 'data point(s)', 300)).toEqual({
      rejectedCount: 300,
      errorMessage: '300 data point(s) rejected: span 0: bad',
    });
  });
});

describe('encodeOtlpResponse', () => {
  const partialSuccess = { rejectedCount: 3, errorMessage: '3 rejected' };

  it('answers {} in JSON and an empty message in protobuf when all was stored', () => {
    expect(encodeOtlpResponse(OTLP_TRACES, undefined, 'json').toString()).toBe(
      '{}',
    );
    expect(encodeOtlpResponse(OTLP_TRACES, undefined, 'protobuf')).toEqual(
      Buffer.alloc(0),
    );
  });

  it.each([
    ['trace', OTLP_TRACES, 'rejectedSpans'],
    ['logs', OTLP_LOGS, 'rejectedLogRecords'],
    ['metrics', OTLP_METRICS, 'rejectedDataPoints'],
  ])(
    'writes the partial success of %s with its own counter in JSON (int64 as a string)',
    (_kind, signal, field) => {
      expect(
        encodeOtlpResponse(signal, partialSuccess, 'json').toString(),
      ).toBe(`{"partialSuccess":{"${field}":"3","errorMessage":"3 rejected"}}`);
    },
  );

  it.each([
    ['trace', OTLP_TRACES, 'rejectedSpans'],
    ['logs', OTLP_LOGS, 'rejectedLogRecords'],
    ['metrics', OTLP_METRICS, 'rejectedDataPoints'],
  ])(
    'writes the partial success of %s as the protobuf response message',
    (_kind, signal, field) => {
      const responseType = lookupOtlpProtoType(signal.responseMessage);
      const decoded = responseType.toObject(
        responseType.decode(
          encodeOtlpResponse(signal, partialSuccess, 'protobuf'),
        ),
        { longs: Number },
      );
      expect(decoded).toEqual({
        partialSuccess: { [field]: 3, errorMessage: '3 rejected' },
      });
    },
  );
});
