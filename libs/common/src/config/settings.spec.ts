import { IsInt, Max, Min } from 'class-validator';
import { readAppSettings } from './app.settings';
import { EnvInt, loadSettings } from './settings';

class SampleSettings {
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(10)
  SAMPLE_COUNT = 3;
}

describe(loadSettings.name, () => {
  it('applies defaults and reads only the variables a class declares', () => {
    expect(loadSettings(SampleSettings, { OTHER: 'x' })).toEqual({ SAMPLE_COUNT: 3 });
    expect(readAppSettings({})).toMatchObject({ PORT: 3000, BODY_LIMIT: '100kb' });
  });

  it('converts numbers and rejects bad values with one message naming each', () => {
    expect(readAppSettings({ PORT: '8080' }).PORT).toBe(8080);
    expect(loadSettings(SampleSettings, { SAMPLE_COUNT: '' })).toEqual({ SAMPLE_COUNT: 3 });
    expect(() => readAppSettings({ PORT: 'abc', REDIS_URL: 'http://x' })).toThrow(
      /PORT[\s\S]*REDIS_URL|REDIS_URL[\s\S]*PORT/,
    );
  });
});
