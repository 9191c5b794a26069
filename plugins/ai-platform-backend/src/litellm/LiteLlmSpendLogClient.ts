/**
 * One page of the LiteLLM proxy's `GET /spend/logs/v2` answer.
 *
 * @internal
 */
export interface LiteLlmSpendLogPage {
  /** `LiteLLM_SpendLogs` rows, ordered by `startTime` ascending. */
  rows: unknown[];
  /** `total_pages` of the answer. */
  totalPages: number;
}

/** The spend-log route that pages and sorts: `/spend/logs/v2`. */
export const LITELLM_SPEND_LOGS_PATH = '/spend/logs/v2';

/** Largest `page_size` the LiteLLM proxy accepts. */
export const LITELLM_MAX_PAGE_SIZE = 100;

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A date-time as the spend-log API reads `start_date` / `end_date`:
 * `%Y-%m-%d %H:%M:%S`, UTC, whole seconds (rounded down).
 *
 * @internal
 */
export function formatSpendLogDate(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000)
    .toISOString()
    .slice(0, 19)
    .replace('T', ' ');
}

/**
 * Reads spend logs from a LiteLLM proxy over HTTP:
 * `GET {baseUrl}/spend/logs/v2?start_date&end_date&page&page_size&sort_by=startTime&sort_order=asc`
 * with the proxy key as a bearer token. The answer is
 * `{ data, total, page, page_size, total_pages }`.
 *
 * @internal
 */
export class LiteLlmSpendLogClient {
  private readonly baseUrl: string;
  private readonly apiKey: string;

  constructor(options: { baseUrl: string; apiKey: string }) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
  }

  /**
   * Fetches one page of the rows whose `startTime` is within
   * `[fromMs, toMs]` (both at whole seconds, as the API takes them).
   *
   * @throws Error naming the URL and the status, or the malformed field
   */
  async fetchPage(options: {
    fromMs: number;
    toMs: number;
    page: number;
    pageSize: number;
    signal?: AbortSignal;
  }): Promise<LiteLlmSpendLogPage> {
    const url = new URL(`${this.baseUrl}${LITELLM_SPEND_LOGS_PATH}`);
    url.searchParams.set('start_date', formatSpendLogDate(options.fromMs));
    url.searchParams.set('end_date', formatSpendLogDate(options.toMs));
    url.searchParams.set('page', String(options.page));
    url.searchParams.set('page_size', String(options.pageSize));
    url.searchParams.set('sort_by', 'startTime');
    url.searchParams.set('sort_order', 'asc');

    const signals = [AbortSignal.timeout(REQUEST_TIMEOUT_MS)];
    if (options.signal) signals.push(options.signal);
    const response = await fetch(url, {
      headers: {
        Authorization: `Bearer ${this.apiKey}`,
        Accept: 'application/json',
      },
      signal: AbortSignal.any(signals),
    });
    if (!response.ok) {
      const body = (await response.text()).slice(0, 300);
      const hint =
        response.status === 404
          ? ` (the proxy has no ${LITELLM_SPEND_LOGS_PATH}; the pull needs a LiteLLM version with the paged spend-log API)`
          : '';
      throw new Error(
        `LiteLLM spend-log request GET ${url.pathname}${url.search} answered ${response.status} ${response.statusText}${hint}: ${body}`,
      );
    }
    let answer: unknown;
    try {
      answer = await response.json();
    } catch (error) {
      throw new Error(
        `LiteLLM spend-log page ${options.page} is not JSON: ${
          (error as Error).message
        }`,
      );
    }
    const envelope = answer as Record<string, unknown> | null;
    if (
      typeof envelope !== 'object' ||
      envelope === null ||
      !Array.isArray(envelope.data)
    ) {
      throw new Error(
        `LiteLLM spend-log page ${options.page}: expected an object with a 'data' array of spend-log rows`,
      );
    }
    const totalPages = Number(envelope.total_pages ?? 1);
    if (!Number.isSafeInteger(totalPages) || totalPages < 0) {
      throw new Error(
        `LiteLLM spend-log page ${
          options.page
        }: 'total_pages' must be a non-negative integer, got ${JSON.stringify(
          envelope.total_pages,
        )}`,
      );
    }
    return { rows: envelope.data, totalPages };
  }
}
