import { aiPlatformPlugin } from './plugin';

describe('ai-platform', () => {
  it('should export plugin', () => {
    expect(aiPlatformPlugin).toBeDefined();
  });
});
