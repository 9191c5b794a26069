import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  CustomErrorBase,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { knex as createKnex, Knex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  createErrorResponseMiddleware,
  isDatabaseUnavailableError,
} from './errorResponses';

jest.setTimeout(60_000);

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the operation to fail');
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

describe('isDatabaseUnavailableError, on errors the drivers really throw', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'knows a destroyed pool, and not bad SQL or a constraint, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.schema.createTable('t', table => {
        table.string('id', 8).primary().notNullable();
      });
      await knex('t').insert({ id: 'a' });
      const duplicate = await errorOf(knex('t').insert({ id: 'a' }));
      const badSql = await errorOf(knex.raw('select * from no_such_table'));
      const notNull = await errorOf(knex('t').insert({ id: null }));
      expect(isDatabaseUnavailableError(duplicate)).toBe(false);
      expect(isDatabaseUnavailableError(badSql)).toBe(false);
      expect(isDatabaseUnavailableError(notNull)).toBe(false);

      await knex.destroy();
      const destroyed = await errorOf(knex('t').select());
      expect(isDatabaseUnavailableError(destroyed)).toBe(true);
    },
  );

  it('knows a refused PostgreSQL connection and a terminated backend, not a value too long', async () => {
    const refused = createKnex({
      client: 'pg',
      connection: {
        host: '127.0.0.1',
        port: await closedPort(),
        user: 'postgres',
      },
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: 5_000,
    });
    try {
      expect(
        isDatabaseUnavailableError(await errorOf(refused.raw('select 1'))),
      ).toBe(true);
    } finally {
      await refused.destroy();
    }

    const knex = await databases.init('POSTGRES_15');
    const other: Knex = createKnex({
      client: 'pg',
      connection: knex.client.config.connection,
    });
    try {
      await knex.schema.createTable('v', table => table.string('s', 2));
      const valueTooLong = await errorOf(knex('v').insert({ s: 'abc' }));
      expect(isDatabaseUnavailableError(valueTooLong)).toBe(false);

      // An administrator (or a failover) ends the session mid-query.
      const sleeping = errorOf(knex.raw('select pg_sleep(30)'));
      let terminated = 0;
      for (let attempt = 0; attempt < 50 && terminated === 0; attempt++) {
        await new Promise(resolve => setTimeout(resolve, 100));
        const result = await other.raw(
          `select pg_terminate_backend(pid) as ok from pg_stat_activity
           where query like 'select pg_sleep(30)%' and pid <> pg_backend_pid()
             and datname = current_database()`,
        );
        terminated = result.rows.length;
      }
      const error = (await sleeping) as { code?: string };
      expect(error.code).toBe('57P01');
      expect(isDatabaseUnavailableError(error)).toBe(true);
    } finally {
      await other.destroy();
    }
  });

  it('knows a SQLite file locked by another writer and a closed SQLite connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ai-platform-errors-'));
    const filename = join(dir, 'store.sqlite');
    const holder = createKnex({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
    });
    const writer = createKnex({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
    });
    try {
      await holder.schema.createTable('t', table => table.integer('n'));
      await writer.raw('PRAGMA busy_timeout = 0');
      await holder.transaction(async trx => {
        await trx('t').insert({ n: 1 });
        const busy = await errorOf(writer('t').insert({ n: 2 }));
        expect((busy as { code?: string }).code).toBe('SQLITE_BUSY');
        expect(isDatabaseUnavailableError(busy)).toBe(true);
      });

      const connection = (await writer.client.acquireConnection()) as {
        close(): void;
        prepare(sql: string): unknown;
      };
      connection.close();
      const closed = await errorOf(
        Promise.resolve().then(() => connection.prepare('select 1')),
      );
      expect(isDatabaseUnavailableError(closed)).toBe(true);
      writer.client.releaseConnection(connection);
    } finally {
      await holder.destroy();
      await writer.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows causes and aggregate errors, a few levels deep', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(
      isDatabaseUnavailableError(new AggregateError([new Error('x'), refused])),
    ).toBe(true);
    expect(
      isDatabaseUnavailableError(new Error('wrapped', { cause: refused })),
    ).toBe(true);
    expect(isDatabaseUnavailableError(new Error('a bug'))).toBe(false);
    expect(isDatabaseUnavailableError('ECONNREFUSED')).toBe(false);
  });
});

class TooManyRequestsError extends CustomErrorBase {
  name = 'TooManyRequestsError' as const;
  statusCode = 429;
}

describe('createErrorResponseMiddleware', () => {
  function app(error: () => unknown) {
    const router = Router();
    router.use(express.json({ limit: 10 }));
    router.post('/json', (_req, res) => {
      res.json({});
    });
    router.get('/throw', () => {
      throw error();
    });
    router.get('/streaming', (_req, res) => {
      res.status(200).write('partial');
      throw new Error('after the headers');
    });
    const application = express();
    application.use(router);
    application.use(
      createErrorResponseMiddleware({ logger: mockServices.logger.mock() }),
    );
    // What reaches the next handler: only errors after the headers went out.
    application.use(
      (
        err: Error,
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        res.end(`|next:${err.message}`);
      },
    );
    return application;
  }

  it.each([
    [new InputError("Invalid query parameter 'owner'"), 400, 'InputError'],
    [new NotFoundError('No entity x'), 404, 'NotFoundError'],
    [
      new TooManyRequestsError('Ingest queue full'),
      429,
      'TooManyRequestsError',
    ],
    [
      new ServiceUnavailableError('Prometheus is down'),
      503,
      'ServiceUnavailableError',
    ],
  ])('keeps the status and message of %p', async (error, status, name) => {
    const response = await request(app(() => error)).get('/throw');
    expect(response.status).toBe(status);
    expect(response.body).toEqual({
      error: { name, message: (error as Error).message },
      request: { method: 'GET', url: '/throw' },
      response: { statusCode: status },
    });
    expect(response.headers['retry-after']).toBe(
      status === 503 ? '30' : undefined,
    );
  });

  it('answers 500 with a correlation id for anything else, without cause or stack', async () => {
    const response = await request(
      app(() =>
        Object.assign(new Error('insert into "x" values (1) - boom'), {
          code: 'XX000',
          cause: new Error('/work/secret/path.ts'),
        }),
      ),
    ).get('/throw');
    expect(response.status).toBe(500);
    expect(response.body).toEqual({
      error: {
        name: 'Error',
        message: expect.stringMatching(
          /^An internal error occurred; correlation id [0-9a-f]{16} \(the backend log has the details\)$/,
        ),
      },
      request: { method: 'GET', url: '/throw' },
      response: { statusCode: 500 },
    });
    const thrownString = await request(app(() => 'a string')).get('/throw');
    expect(thrownString.status).toBe(500);
  });

  it("keeps body-parser's client errors (malformed JSON, too large)", async () => {
    const malformed = await request(app(() => undefined))
      .post('/json')
      .set('Content-Type', 'application/json')
      .send('{"a":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/JSON/);
    const tooLarge = await request(app(() => undefined))
      .post('/json')
      .send({ a: 'x'.repeat(100) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.name).toBe('PayloadTooLargeError');
  });

  it('leaves an error after the headers went out to the next handler', async () => {
    const response = await request(app(() => undefined)).get('/streaming');
    expect(response.text).toBe('partial|next:after the headers');
  });
});
