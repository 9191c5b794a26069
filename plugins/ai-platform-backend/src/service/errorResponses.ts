import {
  HttpRouterService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CustomErrorBase, ServiceUnavailableError } from '@backstage/errors';
import express from 'express';
import { randomBytes } from 'node:crypto';

/**
 * Seconds a client should wait before retrying after a 503.
 *
 * @internal
 */
export const RETRY_AFTER_SECONDS = 30;

/** PostgreSQL SQLSTATEs that mean the database cannot serve right now. */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '25006', // read_only_sql_transaction (a standby after failover)
]);

/** Node, SQLite and driver error codes of an unreachable or busy store. */
const UNAVAILABLE_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
]);

/**
 * Messages of knex, node-postgres, pg-pool and better-sqlite3 when the pool
 * is destroyed, the server is gone or the connection was closed.
 */
const UNAVAILABLE_MESSAGE =
  /Unable to acquire a connection|Knex: Timeout acquiring a connection|Connection terminated|connect ECONNREFUSED|Client has encountered a connection error and is not queryable|Cannot use a pool after calling end on the pool|timeout exceeded when trying to connect|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|The database connection is not open/;

/** How deep `cause` / `errors` chains are followed. */
const MAX_CAUSE_DEPTH = 5;

/**
 * Whether an error from the store means the database is unreachable or
 * overloaded (so the client should retry), rather than a bug or bad data:
 * knex's pool timeout or destroyed pool, connection errors of node-postgres
 * (SQLSTATE class 08, 53 and the shutdown codes, socket errors), and a busy,
 * locked, unopenable or full SQLite file.
 *
 * @internal
 */
export function isDatabaseUnavailableError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > MAX_CAUSE_DEPTH) {
    return false;
  }
  const { name, code, message, cause, errors } = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (name === 'KnexTimeoutError') {
    return true;
  }
  if (typeof code === 'string') {
    if (
      UNAVAILABLE_ERROR_CODES.has(code) ||
      UNAVAILABLE_SQLSTATES.has(code) ||
      /^SQLITE_(BUSY|LOCKED|IOERR)(_|$)/.test(code) ||
      // SQLSTATE class 08: connection exceptions; 53: insufficient resources.
      /^(08|53)[0-9A-Z]{3}$/.test(code)
    ) {
      return true;
    }
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) {
    return true;
  }
  // Node's connect with several addresses throws an AggregateError.
  if (Array.isArray(errors)) {
    return errors.some(inner => isDatabaseUnavailableError(inner, depth + 1));
  }
  return cause !== undefined && isDatabaseUnavailableError(cause, depth + 1);
}

/**
 * The 503 a client gets while the store is unavailable; `Retry-After` is set
 * by {@link createErrorResponseMiddleware}.
 *
 * @internal
 */
export function telemetryDatabaseUnavailable(
  consequence = '',
): ServiceUnavailableError {
  return new ServiceUnavailableError(
    `The telemetry database is unavailable${
      consequence ? `; ${consequence}` : ''
    }; retry after ${RETRY_AFTER_SECONDS} s`,
  );
}

/**
 * Runs a store operation; a database outage becomes a
 * `ServiceUnavailableError` saying what was not done (answered 503 with
 * `Retry-After`), and the driver's error (with its SQL) only goes to the log.
 *
 * @internal
 */
export async function answer503WhenUnavailable<T>(
  res: express.Response,
  operation: () => Promise<T>,
  options: { logger: LoggerService; consequence?: string },
): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof ServiceUnavailableError) {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      throw error;
    }
    if (isDatabaseUnavailableError(error)) {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      options.logger.warn(
        `The telemetry database is unavailable: ${String(error)}`,
      );
      throw telemetryDatabaseUnavailable(options.consequence);
    }
    throw error;
  }
}

/** Status codes of the errors whose messages are written for clients. */
const CLIENT_ERROR_STATUS: Record<string, number> = {
  NotModifiedError: 304,
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  PayloadTooLargeError: 413,
  UnsupportedMediaTypeError: 415,
  ServiceUnavailableError: 503,
};

function numericStatus(error: Record<string, unknown>): number | undefined {
  for (const field of ['statusCode', 'status']) {
    const value = error[field];
    if (
      typeof value === 'number' &&
      Number.isInteger(value) &&
      value >= 100 &&
      value <= 599
    ) {
      return value;
    }
  }
  return undefined;
}

/**
 * The status of an error thrown on purpose for the client, or `undefined`
 * for anything else (a bug, a driver error): `@backstage/errors`' client
 * errors, ours (`PayloadTooLargeError`, `UnsupportedMediaTypeError` and any
 * other `CustomErrorBase` with a 4xx status), and body-parser's exposed 4xx
 * errors (malformed JSON, a body over the limit).
 */
function clientErrorStatus(error: unknown): number | undefined {
  if (!(error instanceof Error)) {
    return undefined;
  }
  const fields = error as unknown as Record<string, unknown>;
  const status = numericStatus(fields);
  if (Object.hasOwn(CLIENT_ERROR_STATUS, error.name)) {
    return status ?? CLIENT_ERROR_STATUS[error.name];
  }
  if (status !== undefined && status >= 400 && status < 500) {
    if (error instanceof CustomErrorBase || fields.expose === true) {
      return status;
    }
  }
  return undefined;
}

/**
 * Renders every error of the plugin's routes in Backstage's JSON error shape
 * (`{ error: { name, message }, request, response }`), without `stack` or
 * `cause`, the same in every `NODE_ENV`:
 *
 * - a database outage: 503 `ServiceUnavailableError` with `Retry-After`;
 * - an error thrown for the client (see `clientErrorStatus`): its status
 *   and message (503s get `Retry-After` too);
 * - anything else: 500 with a generic message and a correlation id; the
 *   error itself (SQL, stack) is logged with that id.
 *
 * @internal
 */
export function createErrorResponseMiddleware(options: {
  logger: LoggerService;
}): express.ErrorRequestHandler {
  const logger = options.logger.child({ type: 'errorResponse' });
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    let statusCode = clientErrorStatus(error);
    let name: string;
    let message: string;
    if (statusCode === undefined && isDatabaseUnavailableError(error)) {
      logger.warn(
        `${req.method} ${
          req.originalUrl
        } failed, the telemetry database is unavailable: ${String(error)}`,
      );
      const unavailable = telemetryDatabaseUnavailable();
      statusCode = 503;
      name = unavailable.name;
      message = unavailable.message;
    } else if (statusCode !== undefined) {
      name = (error as Error).name;
      message = (error as Error).message;
    } else {
      const correlationId = randomBytes(8).toString('hex');
      logger.error(
        `${req.method} ${req.originalUrl} failed; correlation id ${correlationId}`,
        error instanceof Error ? error : new Error(String(error)),
      );
      statusCode = 500;
      name = 'Error';
      message = `An internal error occurred; correlation id ${correlationId} (the backend log has the details)`;
    }
    if (statusCode === 503 && !res.getHeader('Retry-After')) {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    }
    res.status(statusCode).json({
      error: { name, message },
      request: { method: req.method, url: req.url },
      response: { statusCode },
    });
  };
}

/**
 * Installs {@link createErrorResponseMiddleware} on the plugin's router.
 * Call it after every `httpRouter.use` of a route: Express hands an error
 * only to the error handlers after the route that threw it.
 *
 * @internal
 */
export function useErrorResponses(
  httpRouter: HttpRouterService,
  logger: LoggerService,
) {
  // Express tells an error handler by its four parameters; `use` is typed
  // for request handlers only.
  httpRouter.use(
    createErrorResponseMiddleware({
      logger,
    }) as unknown as express.RequestHandler,
  );
}
