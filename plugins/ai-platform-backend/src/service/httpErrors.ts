import { CustomErrorBase } from '@backstage/errors';

/**
 * The request body has a content type or encoding the route does not take.
 *
 * @internal
 */
export class UnsupportedMediaTypeError extends CustomErrorBase {
  name = 'UnsupportedMediaTypeError' as const;
  statusCode = 415;
}
