/**
 * Milliseconds, rounded, with thousands separators: `812 ms`, `1,250 ms`.
 *
 * @public
 */
export function formatMs(valueMs: number): string {
  return `${Math.round(valueMs).toLocaleString('en-US')} ms`;
}

/**
 * A duration the way people say it, to two units: `45 s`, `12 min 30 s`,
 * `3 h 5 min`, `2 d 4 h`.
 *
 * @public
 */
export function formatDurationMs(durationMs: number): string {
  const totalSeconds = Math.round(durationMs / 1000);
  if (totalSeconds < 60) {
    return `${totalSeconds} s`;
  }
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) {
    const seconds = totalSeconds % 60;
    return seconds ? `${totalMinutes} min ${seconds} s` : `${totalMinutes} min`;
  }
  const totalHours = Math.floor(totalMinutes / 60);
  if (totalHours < 24) {
    const minutes = totalMinutes % 60;
    return minutes ? `${totalHours} h ${minutes} min` : `${totalHours} h`;
  }
  const days = Math.floor(totalHours / 24);
  const hours = totalHours % 24;
  return hours ? `${days} d ${hours} h` : `${days} d`;
}

/**
 * The minute of an ISO 8601 UTC timestamp: `2026-11-23T10:00:00.000Z` →
 * `2026-11-23 10:00 UTC`.
 *
 * @public
 */
export function formatUtcMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
