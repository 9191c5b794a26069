import { createHash } from 'node:crypto';
import { normalizeTelemetryEntityRef } from '../database/telemetrySubject';
import { evalRunTimeProblem, findEvalRunProblem } from '../evals/evalRunLimits';
import { NewEvalRun } from '../scorecards/types';
import {
  GEN_AI_AGENT_ID,
  GEN_AI_AGENT_NAME,
  GEN_AI_AGENT_VERSION,
  GEN_AI_EVALUATION_NAME,
  GEN_AI_EVALUATION_RESULT,
  GEN_AI_EVALUATION_SCORE_LABEL,
  GEN_AI_EVALUATION_SCORE_VALUE,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_RESPONSE_ID,
  GEN_AI_RESPONSE_MODEL,
} from '../otlp/genAiNames';
import { OtlpAttributes } from '../otlp/otlpValues';
import { OtlpLogRecord } from './otlpLogsRequest';
import { TelemetryJoinKeyIndex } from './TelemetryEntityResolver';
import { RejectedTelemetryItem } from './UnresolvedTelemetryEvent';

/**
 * The OpenTelemetry GenAI event that carries one evaluation result.
 *
 * @internal
 */
export const EVALUATION_RESULT_EVENT_NAME = GEN_AI_EVALUATION_RESULT;

/**
 * Log record or resource attribute naming the evaluated entity explicitly,
 * e.g. `agent:default/checkout-agent`. Wins over the join keys.
 *
 * @internal
 */
export const ENTITY_REF_ATTRIBUTE = 'aiplatform.entity_ref';

/**
 * Log record or resource attribute with the suite version of an eval event.
 *
 * @internal
 */
export const EVAL_SUITE_VERSION_ATTRIBUTE = 'aiplatform.eval.suite_version';

const PASS_LABELS = new Set(['pass', 'passed', 'success', 'true']);
const FAIL_LABELS = new Set(['fail', 'failed', 'failure', 'false']);

/** Longest suite name (the run id adds ids to it; the column holds 255). */
const MAX_SUITE_NAME_LENGTH = 200;

class EvalRecordRejection extends Error {}

function isEvaluationResult(record: OtlpLogRecord): boolean {
  return (
    record.eventName === EVALUATION_RESULT_EVENT_NAME ||
    // Before OTLP had `eventName`, the name was the `event.name` attribute.
    (record.eventName === '' &&
      record.attributes.get('event.name') === EVALUATION_RESULT_EVENT_NAME)
  );
}

function stringAttribute(
  attributes: OtlpAttributes,
  key: string,
): string | undefined {
  const value = attributes.get(key);
  return typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : undefined;
}

/** The attribute on the record, else on its resource. */
function recordOrResourceString(record: OtlpLogRecord, key: string) {
  return (
    stringAttribute(record.attributes, key) ??
    stringAttribute(record.resourceAttributes, key)
  );
}

/**
 * The record's time in ms (`timeUnixNano`, else `observedTimeUnixNano`),
 * within the accepted range of eval run times.
 */
function timeMs(record: OtlpLogRecord, now: Date): number {
  const nanos = record.timeUnixNano !== '0' ? record.timeUnixNano : '';
  const field = nanos ? 'timeUnixNano' : 'observedTimeUnixNano';
  const value =
    nanos ||
    (record.observedTimeUnixNano !== '0' ? record.observedTimeUnixNano : '');
  if (!/^[0-9]+$/.test(value)) {
    throw new EvalRecordRejection(
      `'timeUnixNano' or 'observedTimeUnixNano' must be a positive integer of nanoseconds, got ${JSON.stringify(
        record.timeUnixNano.slice(0, 40),
      )}`,
    );
  }
  const ms = Number(BigInt(value) / 1_000_000n);
  const problem = evalRunTimeProblem(
    ms,
    now,
    value.length > 40 ? `${value.slice(0, 40)}...` : value,
  );
  if (problem) {
    throw new EvalRecordRejection(`'${field}' ${problem}`);
  }
  return ms;
}

function scoreOf(record: OtlpLogRecord, name: string) {
  const value = record.attributes.get(GEN_AI_EVALUATION_SCORE_VALUE);
  const label = stringAttribute(
    record.attributes,
    GEN_AI_EVALUATION_SCORE_LABEL,
  )?.toLocaleLowerCase('en-US');
  let verdict: 'pass' | 'fail' | undefined;
  if (label && PASS_LABELS.has(label)) {
    verdict = 'pass';
  } else if (label && FAIL_LABELS.has(label)) {
    verdict = 'fail';
  }
  if (value !== undefined && value !== null) {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw new EvalRecordRejection(
        `evaluation '${name}': '${GEN_AI_EVALUATION_SCORE_VALUE}' must be a number between 0 and 1, got ${JSON.stringify(
          value,
        )}`,
      );
    }
    return { score: value, verdict };
  }
  if (verdict) {
    return { score: verdict === 'pass' ? 1 : 0, verdict };
  }
  throw new EvalRecordRejection(
    `evaluation '${name}': expected '${GEN_AI_EVALUATION_SCORE_VALUE}' (0 to 1) or a '${GEN_AI_EVALUATION_SCORE_LABEL}' of pass or fail`,
  );
}

function entityRefOf(
  record: OtlpLogRecord,
  index: TelemetryJoinKeyIndex,
  name: string,
): string {
  const explicit = recordOrResourceString(record, ENTITY_REF_ATTRIBUTE);
  if (explicit) {
    try {
      return normalizeTelemetryEntityRef(explicit);
    } catch (error) {
      throw new EvalRecordRejection(
        `evaluation '${name}': '${ENTITY_REF_ATTRIBUTE}' ${
          (error as Error).message
        }`,
      );
    }
  }
  const agentKeys = [
    stringAttribute(record.attributes, GEN_AI_AGENT_ID),
    stringAttribute(record.attributes, GEN_AI_AGENT_NAME),
    stringAttribute(record.resourceAttributes, GEN_AI_AGENT_ID),
    stringAttribute(record.resourceAttributes, GEN_AI_AGENT_NAME),
    stringAttribute(record.resourceAttributes, 'service.name'),
  ].filter((key): key is string => key !== undefined);
  for (const key of agentKeys) {
    const ref = index.agents.get(key);
    if (ref) return ref;
  }
  const modelKeys = [
    recordOrResourceString(record, GEN_AI_REQUEST_MODEL),
    recordOrResourceString(record, GEN_AI_RESPONSE_MODEL),
  ].filter((key): key is string => key !== undefined);
  for (const key of modelKeys) {
    const ref = index.models.get(key);
    if (ref) return ref;
  }
  const seen = [...new Set([...agentKeys, ...modelKeys])];
  throw new EvalRecordRejection(
    `evaluation '${name}': no catalog entity found; set '${ENTITY_REF_ATTRIBUTE}' or a ${GEN_AI_AGENT_ID} / ${GEN_AI_AGENT_NAME} / ${GEN_AI_REQUEST_MODEL} that an Agent or ModelEndpoint declares (seen: ${
      seen.length ? seen.map(key => `'${key}'`).join(', ') : 'none'
    })`,
  );
}

/**
 * A stable id for a record, so a retried export is stored once: the
 * evaluated span (`traceId`-`spanId`), else `gen_ai.response.id`, else a
 * hash of the record's content.
 */
function runIdOf(
  record: OtlpLogRecord,
  name: string,
  entityRef: string,
  startedAtMs: number,
  score: number,
): string {
  // Only well-formed ids: OTLP JSON ids that are not hex are kept as sent.
  if (
    /^[0-9a-f]{32}$/.test(record.traceId) &&
    /^[0-9a-f]{16}$/.test(record.spanId)
  ) {
    return `${record.traceId}-${record.spanId}:${name}`;
  }
  const responseId = stringAttribute(record.attributes, GEN_AI_RESPONSE_ID);
  if (responseId && responseId.length <= 40) {
    return `${responseId}:${name}`;
  }
  const digest = createHash('sha256')
    .update(JSON.stringify([entityRef, name, startedAtMs, score, responseId]))
    .digest('hex')
    .slice(0, 32);
  return `sha256-${digest}:${name}`;
}

function mapRecord(
  record: OtlpLogRecord,
  index: TelemetryJoinKeyIndex,
  now: Date,
): NewEvalRun {
  const name = stringAttribute(record.attributes, GEN_AI_EVALUATION_NAME);
  if (!name) {
    throw new EvalRecordRejection(
      `'${EVALUATION_RESULT_EVENT_NAME}' record has no '${GEN_AI_EVALUATION_NAME}'`,
    );
  }
  if (name.length > MAX_SUITE_NAME_LENGTH) {
    throw new EvalRecordRejection(
      `'${GEN_AI_EVALUATION_NAME}' must be at most ${MAX_SUITE_NAME_LENGTH} characters`,
    );
  }
  const errorType = stringAttribute(record.attributes, 'error.type');
  if (errorType) {
    throw new EvalRecordRejection(
      `evaluation '${name}' failed with error.type '${errorType}'; there is no score to store`,
    );
  }
  const { score, verdict } = scoreOf(record, name);
  const entityRef = entityRefOf(record, index, name);
  const startedAtMs = timeMs(record, now);
  const suiteVersion = (
    recordOrResourceString(record, EVAL_SUITE_VERSION_ATTRIBUTE) ??
    recordOrResourceString(record, GEN_AI_AGENT_VERSION) ??
    stringAttribute(record.resourceAttributes, 'service.version') ??
    'unversioned'
  ).slice(0, 255);
  const run: NewEvalRun = {
    entityRef,
    suite: name,
    suiteVersion,
    runId: runIdOf(record, name, entityRef, startedAtMs, score),
    source: 'otlp',
    score,
    passed: verdict === 'pass' ? 1 : 0,
    failed: verdict === 'fail' ? 1 : 0,
    total: 1,
    startedAt: new Date(startedAtMs),
    finishedAt: new Date(startedAtMs),
  };
  // What the databases would refuse or store differently (long texts, NUL).
  const problem = findEvalRunProblem(run, now, {
    entityRef: ENTITY_REF_ATTRIBUTE,
    suite: GEN_AI_EVALUATION_NAME,
    suiteVersion: EVAL_SUITE_VERSION_ATTRIBUTE,
    runId: GEN_AI_RESPONSE_ID,
  });
  if (problem) {
    throw new EvalRecordRejection(
      `evaluation '${name.slice(0, 64)}': '${problem.fieldName}' ${
        problem.message
      }`,
    );
  }
  return run;
}

/**
 * Maps the `gen_ai.evaluation.result` records of an OTLP logs batch to eval
 * runs (one run of one evaluated response each), bound to the entity named
 * by `aiplatform.entity_ref`, else to the Agent or ModelEndpoint whose join
 * key the record or its resource carries. Other log records are ignored;
 * eval records that cannot be stored are rejected with a message.
 *
 * @internal
 */
export function mapEvalLogRecords(
  records: OtlpLogRecord[],
  index: TelemetryJoinKeyIndex,
  now: Date = new Date(),
): { runs: NewEvalRun[]; rejected: RejectedTelemetryItem[]; ignored: number } {
  const runs: NewEvalRun[] = [];
  const rejected: RejectedTelemetryItem[] = [];
  let ignored = 0;
  records.forEach((record, position) => {
    if (!isEvaluationResult(record)) {
      ignored += 1;
      return;
    }
    try {
      runs.push(mapRecord(record, index, now));
    } catch (error) {
      if (!(error instanceof EvalRecordRejection)) throw error;
      rejected.push({
        index: position,
        message: `log record ${position}: ${error.message}`,
      });
    }
  });
  return { runs, rejected, ignored };
}

/**
 * Whether a batch holds any eval event (so the catalog needs to be read).
 *
 * @internal
 */
export function hasEvaluationResults(records: OtlpLogRecord[]): boolean {
  return records.some(isEvaluationResult);
}
