import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import {
  CompoundEntityRef,
  Entity,
  entitySchemaValidator,
  parseEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { AI_PLATFORM_API_GROUP } from '../constants';

/**
 * The pattern the kind schemas use for entity references:
 * `[kind:][namespace/]name`.
 */
const ENTITY_REF_PATTERN =
  '^(?:[A-Za-z][A-Za-z0-9]*:)?(?:[a-z0-9]+(?:-+[a-z0-9]+)*/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$';

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

/** Turns a JSON pointer such as `/spec/models/0` into `spec.models[0]`. */
function toDottedPath(instancePath: string): string {
  if (!instancePath) {
    return '';
  }
  return instancePath
    .split('/')
    .slice(1)
    .map(segment => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (path, segment) =>
        /^\d+$/.test(segment)
          ? `${path}[${segment}]`
          : `${path ? `${path}.` : ''}${segment}`,
      '',
    );
}

function joinPath(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

function formatAjvError(error: ErrorObject): string | undefined {
  const path = toDottedPath(error.instancePath);
  const at = path || '<entity>';
  const params = error.params as Record<string, any>;
  switch (error.keyword) {
    case 'if':
      // The failing branch ("then") is reported separately.
      return undefined;
    case 'required':
      return `${joinPath(path, params.missingProperty)}: is required`;
    case 'additionalProperties':
      return `${joinPath(
        path,
        params.additionalProperty,
      )}: is not a known field`;
    case 'enum':
      return `${at}: must be one of ${(params.allowedValues as unknown[]).join(
        ', ',
      )}`;
    case 'const':
      return `${at}: must be ${params.allowedValue}`;
    case 'type': {
      const types = String(params.type)
        .split(',')
        .map(type => TYPE_NAMES[type] ?? type);
      return `${at}: must be ${types.join(' or ')}`;
    }
    case 'minLength':
      return params.limit === 1
        ? `${at}: must not be empty`
        : `${at}: must be at least ${params.limit} characters long`;
    case 'pattern':
      return params.pattern === ENTITY_REF_PATTERN
        ? `${at}: must be an entity reference of the form [kind:][namespace/]name`
        : `${at}: must match the pattern ${params.pattern}`;
    case 'minimum':
      return `${at}: must be at least ${params.limit}`;
    case 'maximum':
      return `${at}: must be at most ${params.limit}`;
    case 'exclusiveMinimum':
      return `${at}: must be greater than ${params.limit}`;
    case 'exclusiveMaximum':
      return `${at}: must be less than ${params.limit}`;
    case 'minItems':
      return `${at}: must contain at least ${params.limit} ${
        params.limit === 1 ? 'entry' : 'entries'
      }`;
    case 'uniqueItems':
      return `${at}: must not contain duplicates (entries ${Math.min(
        params.i,
        params.j,
      )} and ${Math.max(params.i, params.j)} are the same)`;
    default:
      return `${at}: ${error.message}`;
  }
}

/**
 * Formats ajv errors as `<dotted.path>: <what was expected>` messages. When a
 * value has the wrong type, other complaints about the same value are dropped.
 */
function formatAjvErrors(errors: ErrorObject[]): string[] {
  const pathsWithTypeErrors = new Set(
    errors.filter(e => e.keyword === 'type').map(e => e.instancePath),
  );
  const messages = errors
    .filter(
      e =>
        e.keyword === 'type' ||
        e.keyword === 'required' ||
        e.keyword === 'additionalProperties' ||
        !pathsWithTypeErrors.has(e.instancePath),
    )
    .map(formatAjvError)
    .filter((m): m is string => m !== undefined);
  return [...new Set(messages)];
}

/** Turns the first-error message of catalog-model's envelope validator into `<dotted.path>: ...`. */
function formatEnvelopeError(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error))
    .replace(/^TypeError: /, '')
    .trim();
  const match = /^(\/\S*|<root>) (.*?)(?: - .*)?$/.exec(message);
  if (!match) {
    return `<entity>: ${message}`;
  }
  const path = match[1] === '<root>' ? '' : toDottedPath(match[1]);
  const missing = /^must have required property '(.+)'$/.exec(match[2]);
  if (missing) {
    return `${joinPath(path, missing[1])}: is required`;
  }
  return `${path || '<entity>'}: ${match[2]}`;
}

/**
 * A rule that JSON schema cannot express (comparisons between fields, kinds
 * of entity references); returns messages in the same format.
 */
export type KindSpecRule<T extends Entity> = (entity: T) => string[];

/**
 * The validation functions of one kind.
 */
export interface KindEntityValidation<T extends Entity> {
  /** Whether the entity claims to be of this kind in the aiplatform.io group. */
  handles(entity: unknown): boolean;
  /** Every problem with the entity, as `<dotted.path>: <what was expected>`. */
  collectErrors(entity: unknown): string[];
  /** Returns the entity typed, or throws an InputError listing every problem. */
  validate(entity: unknown): T;
}

function describeEntity(kind: string, entity: unknown): string {
  const metadata = (entity as Partial<Entity> | undefined)?.metadata;
  if (metadata && typeof metadata.name === 'string') {
    return `${kind} "${metadata.namespace ?? 'default'}/${metadata.name}"`;
  }
  return kind;
}

/**
 * Builds the validation of one kind from its JSON schema: catalog-model's
 * envelope checks, then the kind part of the schema (the second `allOf`
 * branch) compiled with ajv and all errors reported, then the extra rules.
 */
export function createKindEntityValidation<T extends Entity>(options: {
  kind: string;
  schema: { allOf: unknown[] };
  rules: KindSpecRule<T>[];
}): KindEntityValidation<T> {
  const { kind, schema, rules } = options;
  let compiled: ValidateFunction | undefined;
  const envelopeValidator = entitySchemaValidator();

  const compile = () => {
    if (!compiled) {
      const ajv = new Ajv({ allErrors: true });
      compiled = ajv.compile(schema.allOf[1] as object);
    }
    return compiled;
  };

  const collectErrors = (entity: unknown): string[] => {
    if (
      typeof entity !== 'object' ||
      entity === null ||
      Array.isArray(entity)
    ) {
      return ['<entity>: must be an object'];
    }
    const messages: string[] = [];
    try {
      envelopeValidator(entity);
    } catch (error) {
      messages.push(formatEnvelopeError(error));
    }
    const validateKindPart = compile();
    if (!validateKindPart(entity)) {
      messages.push(...formatAjvErrors(validateKindPart.errors ?? []));
    }
    if (messages.length) {
      return [...new Set(messages)];
    }
    return rules.flatMap(rule => rule(entity as T));
  };

  return {
    handles(entity: unknown): boolean {
      const candidate = entity as Partial<Entity> | undefined;
      return (
        typeof candidate?.apiVersion === 'string' &&
        candidate.apiVersion.startsWith(`${AI_PLATFORM_API_GROUP}/`) &&
        candidate.kind === kind
      );
    },
    collectErrors,
    validate(entity: unknown): T {
      const messages = collectErrors(entity);
      if (messages.length) {
        throw new InputError(
          `${describeEntity(kind, entity)} is invalid: ${messages.join('; ')}`,
        );
      }
      return entity as T;
    },
  };
}

/**
 * Checks that an entity reference, resolved with its default kind, points at
 * one of the allowed kinds. Returns a message or undefined.
 */
export function checkReferencedKind(
  path: string,
  ref: string,
  defaultKind: string,
  allowedKinds: string[],
): string | undefined {
  let parsed: CompoundEntityRef;
  try {
    parsed = parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' });
  } catch (error) {
    return `${path}: must be an entity reference of the form [kind:][namespace/]name`;
  }
  const allowed = allowedKinds.map(k => k.toLocaleLowerCase('en-US'));
  if (!allowed.includes(parsed.kind.toLocaleLowerCase('en-US'))) {
    const kinds =
      allowedKinds.length === 1
        ? allowedKinds[0]
        : `${allowedKinds.slice(0, -1).join(', ')} or ${
            allowedKinds[allowedKinds.length - 1]
          }`;
    const article = /^[AEIOU]/i.test(kinds) ? 'an' : 'a';
    return `${path}: must reference ${article} ${kinds} entity, got kind ${parsed.kind}`;
  }
  return undefined;
}
