import { IsInt, Max, Min } from 'class-validator';
import { publicUrlOf, readAppSettings } from './app.settings';
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

  it('takes PUBLIC_URL as an http(s) base URL, defaulting to localhost and the port', () => {
    expect(publicUrlOf(readAppSettings({ PORT: '8080' }))).toBe('http://localhost:8080');
    for (const url of ['https://crm.example.com', 'http://10.0.0.5:3000', 'https://example.com/crm/api']) {
      expect(publicUrlOf(readAppSettings({ PUBLIC_URL: url }))).toBe(url);
    }
    for (const bad of ['crm.example.com', 'https://crm.example.com/', 'ftp://x', 'https://x/?a=1', 'https://x#f']) {
      expect(() => readAppSettings({ PUBLIC_URL: bad })).toThrow(/PUBLIC_URL/);
    }
  });

  it('converts numbers and rejects bad values with one message naming each', () => {
    expect(readAppSettings({ PORT: '8080' }).PORT).toBe(8080);
    expect(loadSettings(SampleSettings, { SAMPLE_COUNT: '' })).toEqual({ SAMPLE_COUNT: 3 });
    expect(() => readAppSettings({ PORT: 'abc', REDIS_URL: 'http://x' })).toThrow(
      /PORT[\s\S]*REDIS_URL|REDIS_URL[\s\S]*PORT/,
    );
  });
});
