import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('loadConfig', () => {
  it('builds one default profile from the LLM_* variables and freezes the result', () => {
    const config = loadConfig({
      LLM_PROVIDER: 'anthropic',
      ANTHROPIC_API_KEY: 'sk-ant-test',
      LLM_MODEL: 'claude-x',
    });
    expect(config.llm.ok && config.llm.profiles[0]).toMatchObject({
      name: 'default',
      provider: 'anthropic',
      model: 'claude-x',
      apiKey: 'sk-ant-test',
      maxRetries: 5,
    });
    expect(config.llm.ok && config.llm.routes).toEqual({
      agent: ['default'],
      condenser: ['default'],
      security: ['default'],
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.limits)).toBe(true);
    expect(config.secrets).toContain('sk-ant-test');
  });

  it('says exactly what to set when no key is given, without failing commands that need no LLM', () => {
    const config = loadConfig({});
    expect(config.llm.ok).toBe(false);
    expect(!config.llm.ok && config.llm.problem).toMatch(/Set LLM_API_KEY \(or OPENAI_API_KEY\)/);
  });

  it('names the variable and the expectation for a bad value', () => {
    const attempt = () => loadConfig({ HANDSBOT_MAX_ITERATIONS: 'lots', HANDSBOT_EVENT_STORE: 'sqlite' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/HANDSBOT_MAX_ITERATIONS: expected a positive whole number \(got "lots"\)/);
      expect(problems).toMatch(/HANDSBOT_EVENT_STORE: .*file.*redis/);
    }
  });

  it('explains a JSON variable that does not parse and a URL that is not one', () => {
    try {
      loadConfig({ LLM_BASE_URL: 'not a url', LLM_API_KEY: 'k', HANDSBOT_LLM_PROFILES: '{oops' });
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/HANDSBOT_LLM_PROFILES: expected JSON/);
      expect(message).toMatch(/LLM_BASE_URL: expected an http\(s\) URL \(got "not a url"\)/);
    }
  });

  it('reads named profiles with their keys from the variables they name, and routes per purpose', () => {
    const config = loadConfig({
      HANDSBOT_LLM_PROFILES: JSON.stringify([
        { name: 'big', provider: 'anthropic', model: 'claude-sonnet-4', apiKeyEnv: 'BIG_KEY' },
        {
          name: 'small',
          provider: 'openai',
          model: 'gpt-4o-mini',
          apiKeyEnv: 'SMALL_KEY',
          baseUrl: 'http://127.0.0.1:9/v1',
        },
      ]),
      HANDSBOT_LLM_ROUTES: JSON.stringify({ agent: ['big', 'small'], condenser: ['small'] }),
      BIG_KEY: 'key-big',
      SMALL_KEY: 'key-small',
    });
    expect(config.llm.ok).toBe(true);
    if (!config.llm.ok) return;
    expect(config.llm.profiles.map((p) => [p.name, p.apiKey])).toEqual([
      ['big', 'key-big'],
      ['small', 'key-small'],
    ]);
    expect(config.llm.routes).toEqual({
      agent: ['big', 'small'],
      condenser: ['small'],
      security: ['big', 'small'],
    });
  });

  it('refuses a route naming a profile that does not exist', () => {
    const config = loadConfig({ OPENAI_API_KEY: 'k', HANDSBOT_LLM_ROUTES: '{"agent":["nope"]}' });
    expect(!config.llm.ok && config.llm.problem).toMatch(/unknown profiles: nope/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ HANDSBOT_MAX_COST_USD: '' }).limits.maxCostUsd).toBeNull();
  });
});
