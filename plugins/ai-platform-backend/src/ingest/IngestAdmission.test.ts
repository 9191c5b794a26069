import express from 'express';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { IngestAdmission, IngestSlotRelease } from './IngestAdmission';

/** Resolves when `condition` holds, polling the event loop. */
async function until(condition: () => boolean) {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise(resolve => setTimeout(resolve, 5));
  }
  expect(condition()).toBe(true);
}

describe('IngestAdmission', () => {
  it('admits maxConcurrent at once, queues maxQueued and rejects the next one', async () => {
    const admission = new IngestAdmission({ maxConcurrent: 2, maxQueued: 1 });
    const first = await admission.acquire();
    const second = await admission.acquire();
    expect(first).toBeInstanceOf(Function);
    expect(second).toBeInstanceOf(Function);
    expect(admission.inProgress).toBe(2);

    let thirdRelease: IngestSlotRelease | undefined;
    const third = admission.acquire().then(release => {
      thirdRelease = release;
    });
    expect(admission.queued).toBe(1);
    await expect(admission.acquire()).resolves.toBeUndefined();
    expect(admission.rejected).toBe(1);

    first!();
    await third;
    expect(thirdRelease).toBeInstanceOf(Function);
    expect(admission.inProgress).toBe(2);
    expect(admission.queued).toBe(0);

    second!();
    thirdRelease!();
    expect(admission.inProgress).toBe(0);
  });

  it('hands a freed slot to the oldest queued request and never frees a slot twice', async () => {
    const admission = new IngestAdmission({ maxConcurrent: 1, maxQueued: 3 });
    const holder = (await admission.acquire())!;
    const order: number[] = [];
    const waiting = [1, 2, 3].map(n =>
      admission.acquire().then(release => {
        order.push(n);
        return release!;
      }),
    );
    holder();
    holder(); // a second call must not admit two requests
    await new Promise(resolve => setImmediate(resolve));
    expect(order).toEqual([1]);
    expect(admission.inProgress).toBe(1);
    expect(admission.queued).toBe(2);

    (await waiting[0])();
    (await waiting[1])();
    (await waiting[2])();
    expect(order).toEqual([1, 2, 3]);
    expect(admission.inProgress).toBe(0);
    expect(admission.queued).toBe(0);
  });

  it('drops a queued request whose client went away', async () => {
    const admission = new IngestAdmission({ maxConcurrent: 1, maxQueued: 1 });
    const holder = (await admission.acquire())!;
    const gone = new AbortController();
    const queued = admission.acquire(gone.signal);
    expect(admission.queued).toBe(1);
    gone.abort();
    await expect(queued).resolves.toBeUndefined();
    expect(admission.queued).toBe(0);
    // The queue has room again, and the freed slot is not handed to the dropped request.
    const next = admission.acquire();
    holder();
    await expect(next).resolves.toBeInstanceOf(Function);
    expect(admission.inProgress).toBe(1);
  });

  it('rejects invalid limits, naming the config key', () => {
    expect(
      () => new IngestAdmission({ maxConcurrent: 0, maxQueued: 1 }),
    ).toThrow(
      /aiPlatform\.ingest\.admission\.maxConcurrent.*at least 1, got 0/,
    );
    expect(
      () => new IngestAdmission({ maxConcurrent: 1, maxQueued: -1 }),
    ).toThrow(/aiPlatform\.ingest\.admission\.maxQueued.*at least 0, got -1/);
  });

  describe('middleware', () => {
    /** An app whose POST /ingest waits until the test lets it answer (or fail). */
    function app(admission: IngestAdmission) {
      const pending: Array<(outcome: 'ok' | 'fail') => void> = [];
      let bodiesRead = 0;
      const server = express();
      server.post(
        '/ingest',
        admission.middleware(),
        express.raw({ type: () => true }),
        (req, res, next) => {
          bodiesRead += 1;
          pending.push(outcome => {
            if (outcome === 'fail') {
              next(new Error('store failed'));
            } else {
              res.status(200).send(`stored ${(req.body as Buffer).length}`);
            }
          });
        },
      );
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      server.use(((error, _req, res, _next) => {
        res
          .status(error.statusCode ?? 500)
          .json({ error: { name: error.name, message: error.message } });
      }) as express.ErrorRequestHandler);
      return { server, pending, bodiesRead: () => bodiesRead };
    }

    it('answers 429 with Retry-After without reading the body when the queue is full', async () => {
      const admission = new IngestAdmission({
        maxConcurrent: 1,
        maxQueued: 1,
        retryAfterSeconds: 3,
      });
      const { server, pending, bodiesRead } = app(admission);
      const listener = server.listen(0);
      try {
        const agent = request(listener);
        const inProgress = agent
          .post('/ingest')
          .send('a')
          .then(r => r);
        const queued = agent
          .post('/ingest')
          .send('bb')
          .then(r => r);
        await until(() => pending.length === 1 && admission.queued === 1);

        const rejected = await agent.post('/ingest').send('ccc');
        expect(rejected.status).toBe(429);
        expect(rejected.headers['retry-after']).toBe('3');
        expect(rejected.body.error.name).toBe('IngestQueueFullError');
        expect(rejected.body.error.message).toMatch(
          /at capacity .*retry after 3 s/,
        );
        expect(bodiesRead()).toBe(1);

        pending[0]('ok');
        expect((await inProgress).text).toBe('stored 1');
        await until(() => pending.length === 2);
        pending[1]('ok');
        expect((await queued).text).toBe('stored 2');
        await until(() => admission.inProgress === 0);
      } finally {
        listener.close();
      }
    });

    it('releases the slot when the handler fails', async () => {
      const admission = new IngestAdmission({ maxConcurrent: 1, maxQueued: 0 });
      const { server, pending } = app(admission);
      const listener = server.listen(0);
      try {
        const agent = request(listener);
        const failing = agent
          .post('/ingest')
          .send('a')
          .then(r => r);
        await until(() => pending.length === 1);
        expect((await agent.post('/ingest').send('b')).status).toBe(429);
        pending[0]('fail');
        expect((await failing).status).toBe(500);
        await until(() => admission.inProgress === 0);

        const next = agent
          .post('/ingest')
          .send('c')
          .then(r => r);
        await until(() => pending.length === 2);
        pending[1]('ok');
        expect((await next).status).toBe(200);
      } finally {
        listener.close();
      }
    });

    it('releases the slot, and drops the queued request, when clients abort', async () => {
      const admission = new IngestAdmission({ maxConcurrent: 1, maxQueued: 1 });
      const { server, pending } = app(admission);
      const listener = server.listen(0);
      const { port } = listener.address() as AddressInfo;
      const openRequest = () => {
        const req = http.request({
          port,
          method: 'POST',
          path: '/ingest',
          headers: { 'content-type': 'application/octet-stream' },
        });
        req.on('error', () => {});
        req.end('x');
        return req;
      };
      try {
        const inProgress = openRequest();
        await until(() => pending.length === 1);
        const queued = openRequest();
        await until(() => admission.queued === 1);

        queued.destroy();
        await until(() => admission.queued === 0);
        inProgress.destroy();
        await until(() => admission.inProgress === 0);
        expect(pending).toHaveLength(1); // the aborted queued request never ran

        const agent = request(listener);
        const next = agent
          .post('/ingest')
          .send('abc')
          .then(r => r);
        await until(() => pending.length === 2);
        pending[1]('ok');
        expect((await next).text).toBe('stored 3');
        await until(() => admission.inProgress === 0);
      } finally {
        listener.close();
      }
    });
  });
});
