import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isServerError,
  loadSettingsFromEnv,
  resolveSettings,
  type ServerSettings,
  SettingsError,
  startPushServer,
} from '../../../server/index.js';

function settingOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof SettingsError) return error.setting;
    throw error;
  }

  return undefined;
}

describe('resolveSettings', () => {
  it('fills defaults: 127.0.0.1:8787, ./data, 8 KB, open mode', () => {
    const settings = resolveSettings();

    expect(settings).toMatchObject({
      host: '127.0.0.1',
      port: 8787,
      dataDir: './data',
      bodyLimitBytes: 8192,
      auth: { mode: 'open' },
    });
  });

  it.each<[string, Partial<ServerSettings>]>([
    ['port', { port: -1 }],
    ['port', { port: 1.5 }],
    ['vapidSubject', { vapidSubject: 'someone' }],
    ['vapidPrivateKey', { vapidPublicKey: 'abc' }],
    ['vapidPublicKey', { vapidPublicKey: 'abc', vapidPrivateKey: 'def' }],
    ['apiKey', { apiKey: 'short' }],
    ['allowedPushHosts', { allowedPushHosts: ['http://x/'] }],
    ['corsOrigins', { corsOrigins: ['app.example.com'] }],
    ['auth.secret', { auth: { mode: 'jwt', secret: 'short' } }],
    ['sendConcurrency', { sendConcurrency: 0 }],
  ])('names `%s` when it is malformed', (setting, overrides) => {
    expect(settingOf(() => resolveSettings(overrides))).toBe(setting);
  });
});

describe('loadSettingsFromEnv', () => {
  it('reads every variable', () => {
    const settings = loadSettingsFromEnv({
      PUSH_PORT: '9000',
      PUSH_DATA_DIR: '/tmp/push',
      PUSH_STATIC_DIR: '/tmp/site',
      PUSH_CORS_ORIGINS: 'https://a.example.com, https://b.example.com',
      PUSH_ALLOWED_PUSH_HOSTS: '127.0.0.1:9100',
      PUSH_AUTH_SECRET: 'x'.repeat(32),
      VAPID_SUBJECT: 'mailto:ops@example.com',
      PUSH_SEND_TIMEOUT_MS: '5000',
    });

    expect(settings).toEqual({
      port: 9000,
      dataDir: '/tmp/push',
      staticDir: '/tmp/site',
      corsOrigins: ['https://a.example.com', 'https://b.example.com'],
      allowedPushHosts: ['127.0.0.1:9100'],
      auth: { mode: 'jwt', secret: 'x'.repeat(32) },
      vapidSubject: 'mailto:ops@example.com',
      sendTimeoutMs: 5000,
    });
  });

  it('chooses open mode without PUSH_AUTH_SECRET', () => {
    expect(loadSettingsFromEnv({}).auth).toEqual({ mode: 'open' });
  });

  it.each([
    ['PUSH_PORT', { PUSH_PORT: 'abc' }],
    ['PUSH_PORT', { PUSH_PORT: '70000' }],
    ['PUSH_CORS_ORIGINS', { PUSH_CORS_ORIGINS: 'not a url' }],
    ['VAPID_SUBJECT', { VAPID_SUBJECT: 'ops' }],
    ['PUSH_AUTH_SECRET', { PUSH_AUTH_SECRET: 'short' }],
    ['PUSH_BODY_LIMIT_BYTES', { PUSH_BODY_LIMIT_BYTES: '1e3' }],
  ])('names %s when it is malformed', (variable, env) => {
    expect(settingOf(() => loadSettingsFromEnv(env))).toBe(variable);
  });
});

describe('startPushServer', () => {
  it('rejects a malformed setting with a SettingsError', async () => {
    const error = await startPushServer({ port: 99_999 }).catch((e) => e);

    expect(isServerError(error)).toBe(true);
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).setting).toBe('port');
  });
});

// Spawning tsx takes a while on a busy machine
describe('server/main.ts', { timeout: 30_000 }, () => {
  function run(env: Record<string, string>) {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join('server', 'main.ts')],
      { env: { ...process.env, ...env }, stdio: 'pipe' },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => {
      child.on('exit', (code) => resolve(code));
    });

    return { child, exited, output: () => ({ stdout, stderr }) };
  }

  it('fails start-up naming a malformed variable', async () => {
    const { exited, output } = run({ PUSH_PORT: 'eighty' });

    expect(await exited).toBe(1);
    expect(output().stderr).toContain('PUSH_PORT');
  });

  it('prints its URL, warns about open mode and stops on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'push-main-'));
    const { child, exited, output } = run({
      PUSH_PORT: '0',
      PUSH_DATA_DIR: dataDir,
    });

    try {
      const url = await new Promise<string>((resolve) => {
        child.stdout.on('data', () => {
          const match = /listening on (http:\/\/\S+)/.exec(output().stdout);
          if (match?.[1]) resolve(match[1]);
        });
      });
      const response = await fetch(`${url}/pushdata/vapidpublickey`);
      child.kill('SIGTERM');

      expect(response.status).toBe(200);
      expect(await exited).toBe(0);
      expect(output().stderr).toMatch(/open auth mode/i);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
