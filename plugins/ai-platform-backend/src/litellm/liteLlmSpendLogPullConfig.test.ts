import { mockServices } from '@backstage/backend-test-utils';
import {
  readLiteLlmSpendLogPullConfig,
  scheduleLiteLlmSpendLogPull,
} from './liteLlmSpendLogPullConfig';

const pullConfig = (pull: Record<string, any>) =>
  mockServices.rootConfig({
    data: { aiPlatform: { telemetry: { litellm: { pull } } } },
  });

describe('LiteLLM spend-log pull config', () => {
  it('schedules nothing without aiPlatform.telemetry.litellm.pull', async () => {
    const scheduler = mockServices.scheduler.mock();
    const pull = await scheduleLiteLlmSpendLogPull({
      config: mockServices.rootConfig({ data: {} }),
      scheduler,
      logger: mockServices.logger.mock(),
      db: {} as any,
      telemetryStore: {} as any,
      entityResolver: {} as any,
    });
    expect(pull).toBeUndefined();
    expect(scheduler.scheduleTask).not.toHaveBeenCalled();
  });

  it('schedules one global task with the configured frequency', async () => {
    const scheduler = mockServices.scheduler.mock();
    await scheduleLiteLlmSpendLogPull({
      config: pullConfig({
        baseUrl: 'http://litellm:4000/',
        apiKey: 'sk-1',
        frequencySeconds: 60,
      }),
      scheduler,
      logger: mockServices.logger.mock(),
      db: {} as any,
      telemetryStore: {} as any,
      entityResolver: {} as any,
    });
    expect(scheduler.scheduleTask).toHaveBeenCalledTimes(1);
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'ai-platform-litellm-spend-log-pull',
        frequency: { seconds: 60 },
        scope: 'global',
      }),
    );
  });

  it('applies the defaults', () => {
    expect(
      readLiteLlmSpendLogPullConfig(
        pullConfig({ baseUrl: 'https://litellm.example.com/', apiKey: 'sk-1' }),
      ),
    ).toEqual({
      baseUrl: 'https://litellm.example.com',
      apiKey: 'sk-1',
      frequencySeconds: 300,
      pageSize: 100,
      initialLookbackHours: 24,
      settleDelaySeconds: 120,
    });
  });

  it.each([
    [
      { baseUrl: 'litellm:4000', apiKey: 'sk-1' },
      /pull\.baseUrl.*http\(s\) URL/,
    ],
    [
      { baseUrl: 'http://litellm:4000', apiKey: 'sk-1', pageSize: 500 },
      /pull\.pageSize.*1 to 100, got 500/,
    ],
    [
      { baseUrl: 'http://litellm:4000', apiKey: 'sk-1', frequencySeconds: 0 },
      /pull\.frequencySeconds.*positive number of seconds, got 0/,
    ],
    [{ baseUrl: 'http://litellm:4000' }, /apiKey/],
  ])('names the bad key: %p', (pull, message) => {
    expect(() => readLiteLlmSpendLogPullConfig(pullConfig(pull))).toThrow(
      message,
    );
  });
});
