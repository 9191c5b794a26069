/**
 * The AI platform backend plugin: stores normalized LLM gateway telemetry,
 * keeps hourly rollups with mergeable TTFT and latency sketches, and serves
 * usage per catalog entity over REST.
 *
 * @packageDocumentation
 */

export { aiPlatformPlugin as default } from './plugin';
