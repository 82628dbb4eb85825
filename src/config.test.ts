import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { DEFAULT_POOL_SIZE } from './db/store.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4242);
    expect(config.host).toBe('127.0.0.1');
    expect(config.databaseUrl).toBe('sqlite:./data/railyard.db');
    expect(config.databasePoolSize).toBe(DEFAULT_POOL_SIZE);
    expect(config.publicUrl).toBe('http://127.0.0.1:4242');
    expect(config.rateLimits).toBe(true);
  });

  it('reads DATABASE_POOL_SIZE and refuses what is not a whole number from 1 to 1000', () => {
    expect(loadConfig({ DATABASE_POOL_SIZE: '3' }).databasePoolSize).toBe(3);
    for (const bad of ['0', '-2', '1.5', 'many', '1001']) {
      expect(() => loadConfig({ DATABASE_POOL_SIZE: bad })).toThrow(/Invalid environment: DATABASE_POOL_SIZE/);
    }
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/Invalid environment: PORT/);
    expect(() => loadConfig({ RATE_LIMITS: 'maybe' })).toThrow(/Invalid environment: RATE_LIMITS/);
  });
});
