import { join } from 'node:path';
import { isServerError } from './serverErrors.js';
import { loadSettingsFromEnv } from './serverSettings.js';
import { startPushServer } from './startPushServer.js';
import { databaseFileName } from './subscriptionStore.js';

/**
 * Command-line entry (`npm start`): settings from the environment (see
 * `settingsEnvNames`), port 8787 by default; closes on SIGINT/SIGTERM.
 */
try {
  const server = await startPushServer(loadSettingsFromEnv(process.env));
  console.log(`Push server listening on ${server.url}`);
  // The API key itself is a secret: say where it is, not what it is
  console.log(
    `Send-route API key: PUSH_API_KEY, or the meta table of ${join(server.settings.dataDir, databaseFileName)}`,
  );

  const stop = async (): Promise<void> => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  const message = isServerError(error)
    ? error.message
    : error instanceof Error
      ? error.message
      : String(error);
  console.error(`Push server failed to start: ${message}`);
  process.exit(1);
}
