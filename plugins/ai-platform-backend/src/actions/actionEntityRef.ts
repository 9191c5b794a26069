import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/**
 * How the actions describe an entity reference input to a model.
 *
 * @internal
 */
export const ENTITY_REF_INPUT_DESCRIPTION =
  "The catalog entity, as 'kind:namespace/name' (e.g. 'modelendpoint:default/llama-3-1-8b-instruct' or 'agent:default/support-triage'). A bare name means a ModelEndpoint in the 'default' namespace.";

/**
 * How the actions describe a group reference input to a model.
 *
 * @internal
 */
export const GROUP_REF_INPUT_DESCRIPTION =
  "A group, as 'group:namespace/name' or just its name (e.g. 'ml-platform' = 'group:default/ml-platform').";

/**
 * Parses an action's entity ref input to the lower-case `kind:namespace/name`
 * form the telemetry tables use: kind `ModelEndpoint` and namespace `default`
 * unless given.
 *
 * @throws InputError naming the field when the text is not an entity ref
 * @internal
 */
export function parseActionEntityRef(
  text: string,
  field: string,
  defaultKind = 'ModelEndpoint',
): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(text.trim(), {
        defaultKind,
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch (error) {
    throw new InputError(
      `Invalid '${field}': '${text}' is not an entity ref such as ${
        defaultKind === 'group'
          ? 'group:default/ml-platform'
          : 'modelendpoint:default/llama-3-1-8b-instruct'
      }`,
      error,
    );
  }
}
