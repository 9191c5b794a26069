export { aiPlatformPlugin as default } from './plugin';
