import { SettingsError } from './serverErrors.js';

/** Structured log sink; `console` fits. Fields never hold secrets. */
export interface ServerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The identity a request proves: the user id rows are stored under. */
export interface RequestIdentity {
  userId: string;
}

/**
 * Who may register for whom.
 *
 * - `open`: trusts `options.idUser` from the client. For the local demo
 *   only; the server warns at start-up.
 * - `jwt`: an `Authorization: Bearer` JWT signed with HS256 and `secret`
 *   (shared with the app's backend); the user id is its `sub` claim.
 * - `authenticate`: a hook that reads the request and resolves with the
 *   identity, or null to answer 401.
 */
export type AuthSettings =
  | { mode: 'open' }
  | { mode: 'jwt'; secret: string }
  | {
      mode: 'authenticate';
      authenticate: (request: Request) => Promise<RequestIdentity | null>;
    };

/** Everything the server can be told; `startPushServer` fills the gaps. */
export interface ServerSettings {
  /** TCP port; 0 picks a free one. Default 8787. */
  port: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host: string;
  /** Folder of the SQLite file; created when missing. Default `./data`. */
  dataDir: string;
  /** VAPID `sub`: a `mailto:` or `https:` URL. */
  vapidSubject: string;
  /** base64url VAPID public key; generated and stored when unset. */
  vapidPublicKey?: string;
  /** base64url VAPID private key; set together with the public key. */
  vapidPrivateKey?: string;
  /** Key of the send route; generated and stored when unset. */
  apiKey?: string;
  /**
   * Push service hosts (`host` or `host:port`) exempt from the SSRF check,
   * which also lets them use `http:`. For local push services in tests.
   */
  allowedPushHosts: string[];
  /** Origins allowed by CORS; `*` allows any (never with credentials). */
  corsOrigins: string[];
  /** Who may register for whom. Default `{ mode: 'open' }`. */
  auth: AuthSettings;
  /** Folder served at `/` (the built demo). Unset: a placeholder page. */
  staticDir?: string;
  /**
   * Adds `POST /pushdata/demo/sendtest`, which sends a test notification
   * to the `idUser` in its body without an API key. For the local demo
   * only: allowed in open auth mode alone. Default false.
   */
  demoSendRoute?: boolean;
  /** Time limit of one request to a push service. Default 10 000 ms. */
  sendTimeoutMs: number;
  /** Push requests in flight at once per send. Default 16. */
  sendConcurrency: number;
  /** Largest request body accepted. Default 8 KB. */
  bodyLimitBytes: number;
  /** Where the one line per request goes. Default: JSON lines on stdout. */
  logger: ServerLogger;
}

/** Settings after start-up: keys are always known. */
export interface ResolvedServerSettings extends ServerSettings {
  vapidPublicKey: string;
  vapidPrivateKey: string;
  apiKey: string;
}

/** Writes each entry as one JSON line (stdout, warnings to stderr). */
export const jsonLineLogger: ServerLogger = {
  info: (message, fields) => writeLine(process.stdout, 'info', message, fields),
  warn: (message, fields) => writeLine(process.stderr, 'warn', message, fields),
  error: (message, fields) =>
    writeLine(process.stderr, 'error', message, fields),
};

function writeLine(
  stream: NodeJS.WritableStream,
  level: string,
  message: string,
  fields?: Record<string, unknown>,
): void {
  const entry = { time: new Date().toISOString(), level, message, ...fields };
  stream.write(`${JSON.stringify(entry)}\n`);
}

/** The defaults `startPushServer` starts from. */
export function defaultSettings(): ServerSettings {
  return {
    port: 8787,
    host: '127.0.0.1',
    dataDir: './data',
    vapidSubject: 'mailto:push-admin@example.com',
    allowedPushHosts: [],
    corsOrigins: [],
    auth: { mode: 'open' },
    sendTimeoutMs: 10_000,
    sendConcurrency: 16,
    bodyLimitBytes: 8 * 1024,
    logger: jsonLineLogger,
  };
}

const base64url = /^[A-Za-z0-9_-]+$/;

/**
 * Merges `overrides` into the defaults and checks every value.
 *
 * Throws a `SettingsError` naming the first missing or malformed setting.
 */
export function resolveSettings(
  overrides: Partial<ServerSettings> = {},
): ServerSettings {
  const defined = Object.fromEntries(
    Object.entries(overrides).filter(([, value]) => value !== undefined),
  );
  const settings: ServerSettings = { ...defaultSettings(), ...defined };

  // Numbers
  checkInteger('port', settings.port, 0, 65_535);
  checkInteger('sendTimeoutMs', settings.sendTimeoutMs, 1, 600_000);
  checkInteger('sendConcurrency', settings.sendConcurrency, 1, 1_000);
  checkInteger('bodyLimitBytes', settings.bodyLimitBytes, 256, 1_048_576);

  // Strings and lists
  checkText('host', settings.host);
  checkText('dataDir', settings.dataDir);
  if (settings.staticDir !== undefined) {
    checkText('staticDir', settings.staticDir);
  }
  checkSubject(settings.vapidSubject);
  checkList('allowedPushHosts', settings.allowedPushHosts, isHostEntry);
  checkList('corsOrigins', settings.corsOrigins, isOriginEntry);

  // Keys
  checkKeys(settings);
  if (settings.apiKey !== undefined && !/^\S{16,256}$/.test(settings.apiKey)) {
    throw new SettingsError('apiKey', 'expected 16 to 256 visible characters');
  }
  checkAuth(settings.auth);
  checkLogger(settings.logger);
  if (settings.demoSendRoute === true && settings.auth.mode !== 'open') {
    throw new SettingsError(
      'demoSendRoute',
      'the demo send route is allowed in open auth mode only',
    );
  }

  return settings;
}

function checkInteger(
  name: string,
  value: unknown,
  min: number,
  max: number,
): void {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < min ||
    value > max
  ) {
    throw new SettingsError(name, `expected an integer from ${min} to ${max}`);
  }
}

function checkText(name: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SettingsError(name, 'expected a non-empty string');
  }
}

function checkSubject(value: unknown): void {
  let url: URL | undefined;
  try {
    url = new URL(String(value));
  } catch {
    url = undefined;
  }
  if (
    typeof value !== 'string' ||
    url === undefined ||
    (url.protocol !== 'mailto:' && url.protocol !== 'https:')
  ) {
    throw new SettingsError('vapidSubject', 'expected a mailto: or https: URL');
  }
}

function checkList(
  name: string,
  value: unknown,
  isEntry: (entry: string) => boolean,
): void {
  if (!Array.isArray(value)) {
    throw new SettingsError(name, 'expected a list of strings');
  }
  for (const entry of value) {
    if (typeof entry !== 'string' || !isEntry(entry)) {
      throw new SettingsError(name, `malformed entry "${String(entry)}"`);
    }
  }
}

function isHostEntry(entry: string): boolean {
  return /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i.test(entry);
}

function isOriginEntry(entry: string): boolean {
  if (entry === '*') return true;

  try {
    return new URL(entry).origin === entry;
  } catch {
    return false;
  }
}

function checkKeys(settings: ServerSettings): void {
  const { vapidPublicKey: publicKey, vapidPrivateKey: privateKey } = settings;
  if (publicKey === undefined && privateKey === undefined) return;

  if (publicKey === undefined || privateKey === undefined) {
    const missing =
      publicKey === undefined ? 'vapidPublicKey' : 'vapidPrivateKey';
    throw new SettingsError(missing, 'set both VAPID keys or neither');
  }
  if (!isKey(publicKey, 65) || publicKey.length === 0) {
    throw new SettingsError(
      'vapidPublicKey',
      'expected base64url of a 65-byte P-256 point',
    );
  }
  if (!isKey(privateKey, 32)) {
    throw new SettingsError(
      'vapidPrivateKey',
      'expected base64url of a 32-byte P-256 key',
    );
  }
}

function isKey(value: unknown, bytes: number): value is string {
  return (
    typeof value === 'string' &&
    base64url.test(value) &&
    Buffer.from(value, 'base64url').length === bytes
  );
}

function checkAuth(auth: unknown): void {
  const value = auth as Partial<Record<string, unknown>> | undefined;
  const mode = value?.mode;

  if (mode === 'open') return;
  if (mode === 'jwt') {
    if (typeof value?.secret !== 'string' || value.secret.length < 32) {
      throw new SettingsError(
        'auth.secret',
        'expected a JWT secret of at least 32 characters',
      );
    }

    return;
  }
  if (mode === 'authenticate') {
    if (typeof value?.authenticate !== 'function') {
      throw new SettingsError('auth.authenticate', 'expected a function');
    }

    return;
  }

  throw new SettingsError('auth', 'expected mode open, jwt or authenticate');
}

function checkLogger(logger: unknown): void {
  const value = logger as Partial<Record<string, unknown>> | undefined;
  for (const method of ['info', 'warn', 'error']) {
    if (typeof value?.[method] !== 'function') {
      throw new SettingsError('logger', `expected a \`${method}\` method`);
    }
  }
}

/** Names of the environment variables `loadSettingsFromEnv` reads. */
export const settingsEnvNames = {
  port: 'PUSH_PORT',
  host: 'PUSH_HOST',
  dataDir: 'PUSH_DATA_DIR',
  staticDir: 'PUSH_STATIC_DIR',
  vapidSubject: 'VAPID_SUBJECT',
  vapidPublicKey: 'VAPID_PUBLIC_KEY',
  vapidPrivateKey: 'VAPID_PRIVATE_KEY',
  apiKey: 'PUSH_API_KEY',
  allowedPushHosts: 'PUSH_ALLOWED_PUSH_HOSTS',
  corsOrigins: 'PUSH_CORS_ORIGINS',
  auth: 'PUSH_AUTH_SECRET',
  sendTimeoutMs: 'PUSH_SEND_TIMEOUT_MS',
  sendConcurrency: 'PUSH_SEND_CONCURRENCY',
  bodyLimitBytes: 'PUSH_BODY_LIMIT_BYTES',
} as const;

/**
 * Reads settings from environment variables (see `settingsEnvNames`).
 * Unset or empty variables are left out; lists are comma-separated;
 * `PUSH_AUTH_SECRET` selects JWT mode, its absence open mode.
 *
 * Throws a `SettingsError` naming the variable when a value is malformed.
 */
export function loadSettingsFromEnv(
  env: Record<string, string | undefined>,
): Partial<ServerSettings> {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();

    return value === '' ? undefined : value;
  };
  const names = settingsEnvNames;
  const secret = read(names.auth);

  const settings: Partial<ServerSettings> = {
    port: readInteger(names.port, read(names.port)),
    host: read(names.host),
    dataDir: read(names.dataDir),
    staticDir: read(names.staticDir),
    vapidSubject: read(names.vapidSubject),
    vapidPublicKey: read(names.vapidPublicKey),
    vapidPrivateKey: read(names.vapidPrivateKey),
    apiKey: read(names.apiKey),
    allowedPushHosts: readList(read(names.allowedPushHosts)),
    corsOrigins: readList(read(names.corsOrigins)),
    auth: secret === undefined ? { mode: 'open' } : { mode: 'jwt', secret },
    sendTimeoutMs: readInteger(names.sendTimeoutMs, read(names.sendTimeoutMs)),
    sendConcurrency: readInteger(
      names.sendConcurrency,
      read(names.sendConcurrency),
    ),
    bodyLimitBytes: readInteger(
      names.bodyLimitBytes,
      read(names.bodyLimitBytes),
    ),
  };

  // Name the variable, not the setting, when a value is wrong
  const keys = Object.keys(names) as (keyof typeof names)[];
  try {
    resolveSettings(settings);
  } catch (error) {
    if (error instanceof SettingsError) {
      const key = keys.find((name) => error.setting.startsWith(name));
      const variable = key === undefined ? error.setting : names[key];
      throw new SettingsError(variable, error.message.replace(/^[^:]*: /, ''), {
        cause: error,
      });
    }
    throw error;
  }

  return Object.fromEntries(
    Object.entries(settings).filter(([, value]) => value !== undefined),
  ) as Partial<ServerSettings>;
}

function readInteger(name: string, value: string | undefined) {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    throw new SettingsError(name, 'expected a whole number');
  }

  return Number(value);
}

function readList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;

  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}
