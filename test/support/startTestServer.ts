import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  RunningServer,
  ServerLogger,
  ServerSettings,
} from '../../server/index.js';
import { startPushServer } from '../../server/index.js';

/** One line the server logged, kept for assertions. */
export interface LoggedLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A push server for tests, in its own temp data folder. */
export interface TestServer extends RunningServer {
  /** The data folder (SQLite file and keys). */
  dataDir: string;
  /** Everything logged so far, unless a `logger` was passed. */
  logs: LoggedLine[];
}

/**
 * Starts the push server on 127.0.0.1, port 0, in a fresh temp data folder
 * with a quiet logger that records lines in `logs`. Loopback push hosts
 * (`127.0.0.1`, `localhost`) are allowed so the local push services of the
 * tests can be reached; pass `allowedPushHosts: []` to test the SSRF check.
 *
 * `close()` stops it and removes the folder, unless `dataDir` was passed
 * (then the caller owns the folder, e.g. to start again on it).
 */
export async function startTestServer(
  overrides: Partial<ServerSettings> = {},
): Promise<TestServer> {
  const ownsFolder = overrides.dataDir === undefined;
  const dataDir =
    overrides.dataDir ?? (await mkdtemp(join(tmpdir(), 'push-server-')));
  const logs: LoggedLine[] = [];
  const record =
    (level: LoggedLine['level']) =>
    (message: string, fields?: Record<string, unknown>) => {
      logs.push({ level, message, fields });
    };
  const logger: ServerLogger = {
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };

  try {
    const server = await startPushServer({
      port: 0,
      host: '127.0.0.1',
      allowedPushHosts: ['127.0.0.1', 'localhost'],
      logger,
      ...overrides,
      dataDir,
    });

    return {
      ...server,
      dataDir,
      logs,
      close: async () => {
        await server.close();
        if (ownsFolder) await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (ownsFolder) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
