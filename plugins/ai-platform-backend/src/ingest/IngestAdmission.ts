import { RootConfigService } from '@backstage/backend-plugin-api';
import { CustomErrorBase } from '@backstage/errors';
import express from 'express';

/**
 * Default of `aiPlatform.ingest.admission.maxConcurrent` per database client:
 * SQLite has one connection and serialises writes, so a second batch in
 * progress only waits for it while holding its decoded body in memory.
 *
 * @internal
 */
export const DEFAULT_INGEST_MAX_CONCURRENT = {
  sqlite: 1,
  postgres: 2,
} as const;

/**
 * Default of `aiPlatform.ingest.admission.maxQueued`.
 *
 * @internal
 */
export const DEFAULT_INGEST_MAX_QUEUED = 2;

/**
 * Default seconds a rejected client is told to wait (`Retry-After`).
 *
 * @internal
 */
export const DEFAULT_INGEST_RETRY_AFTER_SECONDS = 1;

/**
 * Every ingest slot is taken and the queue is full: the client should retry
 * after `Retry-After` seconds. Answered with 429 Too Many Requests, which
 * OTLP/HTTP exporters and LiteLLM retry.
 *
 * @internal
 */
export class IngestQueueFullError extends CustomErrorBase {
  name = 'IngestQueueFullError' as const;
  statusCode = 429;
}

/**
 * Options of {@link IngestAdmission}.
 *
 * @internal
 */
export interface IngestAdmissionOptions {
  /** Ingest requests in progress (body read, decode, map, store) at most. */
  maxConcurrent: number;
  /** Requests waiting for a slot at most; one more is rejected. */
  maxQueued: number;
  /** Seconds in the `Retry-After` header of a rejection. */
  retryAfterSeconds?: number;
}

/** Gives back a slot; calling it again does nothing. */
export type IngestSlotRelease = () => void;

interface QueuedRequest {
  admit(release: IngestSlotRelease): void;
}

/**
 * Admission control of the ingest routes: a bounded number of requests in
 * progress and a bounded FIFO queue in front of them. A request beyond both
 * is answered 429 with `Retry-After` before its body is read, so rejecting
 * it costs no memory and no database time, and reads are never queued behind
 * more ingest work than the slots allow.
 *
 * @internal
 */
export class IngestAdmission {
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  readonly retryAfterSeconds: number;
  #inProgress = 0;
  readonly #queue: QueuedRequest[] = [];
  #rejected = 0;

  constructor(options: IngestAdmissionOptions) {
    const {
      maxConcurrent,
      maxQueued,
      retryAfterSeconds = DEFAULT_INGEST_RETRY_AFTER_SECONDS,
    } = options;
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
      throw new Error(
        `Invalid config 'aiPlatform.ingest.admission.maxConcurrent': expected a whole number of at least 1, got ${maxConcurrent}`,
      );
    }
    if (!Number.isInteger(maxQueued) || maxQueued < 0) {
      throw new Error(
        `Invalid config 'aiPlatform.ingest.admission.maxQueued': expected a whole number of at least 0, got ${maxQueued}`,
      );
    }
    this.maxConcurrent = maxConcurrent;
    this.maxQueued = maxQueued;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Requests holding a slot now. */
  get inProgress(): number {
    return this.#inProgress;
  }

  /** Requests waiting for a slot now. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Requests rejected since start. */
  get rejected(): number {
    return this.#rejected;
  }

  /**
   * Takes a slot: resolves with its release at once when one is free, after
   * the requests ahead when the queue has room, or with `undefined` (reject)
   * when the queue is full. `cancelled` aborts the wait of a queued request,
   * which then resolves with `undefined` and leaves the queue.
   */
  acquire(cancelled?: AbortSignal): Promise<IngestSlotRelease | undefined> {
    if (cancelled?.aborted) {
      return Promise.resolve(undefined);
    }
    if (this.#inProgress < this.maxConcurrent) {
      this.#inProgress += 1;
      return Promise.resolve(this.#releaseOnce());
    }
    if (this.#queue.length >= this.maxQueued) {
      this.#rejected += 1;
      return Promise.resolve(undefined);
    }
    return new Promise(resolve => {
      let onAbort = () => {};
      const entry: QueuedRequest = {
        admit: release => {
          cancelled?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      onAbort = () => {
        const index = this.#queue.indexOf(entry);
        if (index >= 0) {
          this.#queue.splice(index, 1);
        }
        resolve(undefined);
      };
      cancelled?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(entry);
    });
  }

  /**
   * Express middleware for the ingest routes, to run after authentication
   * and before the body is read. The slot is released when the response is
   * finished or the connection closes (client abort, error), whichever is
   * first; a queued request whose client goes away leaves the queue.
   */
  middleware(): express.RequestHandler {
    return (_req, res, next) => {
      const closed = new AbortController();
      const onClose = () => closed.abort();
      res.once('close', onClose);
      this.acquire(closed.signal).then(release => {
        if (!release) {
          res.off('close', onClose);
          if (closed.signal.aborted) {
            return; // The client went away while queued.
          }
          res.setHeader('Retry-After', String(this.retryAfterSeconds));
          next(
            new IngestQueueFullError(
              `Telemetry ingest is at capacity (${this.maxConcurrent} request(s) in progress, ${this.maxQueued} queued; aiPlatform.ingest.admission); nothing of this request was read, retry after ${this.retryAfterSeconds} s`,
            ),
          );
          return;
        }
        if (closed.signal.aborted) {
          release(); // Admitted just as the client went away.
          return;
        }
        res.off('close', onClose);
        res.once('finish', release);
        res.once('close', release);
        next();
      }, next);
    };
  }

  #releaseOnce(): IngestSlotRelease {
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      const next = this.#queue.shift();
      if (next) {
        // The slot passes straight to the oldest queued request.
        next.admit(this.#releaseOnce());
      } else {
        this.#inProgress -= 1;
      }
    };
  }
}

/** Whether a knex client name is one of SQLite's. */
function isSqliteClient(client: unknown): boolean {
  return /sqlite/i.test(String(client));
}

/**
 * Reads `aiPlatform.ingest.admission` (`maxConcurrent`, `maxQueued`) with
 * defaults for the plugin database's client.
 *
 * @internal
 */
export function readIngestAdmissionConfig(
  config: RootConfigService,
  databaseClient: unknown,
): IngestAdmissionOptions {
  const sqlite = isSqliteClient(databaseClient);
  return {
    maxConcurrent:
      config.getOptionalNumber('aiPlatform.ingest.admission.maxConcurrent') ??
      (sqlite
        ? DEFAULT_INGEST_MAX_CONCURRENT.sqlite
        : DEFAULT_INGEST_MAX_CONCURRENT.postgres),
    maxQueued:
      config.getOptionalNumber('aiPlatform.ingest.admission.maxQueued') ??
      DEFAULT_INGEST_MAX_QUEUED,
  };
}
