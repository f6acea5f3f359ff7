import type { TestProject } from 'vitest/node';
import { startFaultyServer } from './faultyServer.js';
import { startTestServer } from './startTestServer.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The reference push server, CORS open to the Vitest page. */
    pushServerUrl: string;
    /** The fault-injecting front of it (see `faultyServer.ts`). */
    faultyServerUrl: string;
  }
}

/**
 * Starts the reference push server (temp data folder, port 0, CORS `*`)
 * and its fault-injecting front for the browser project, and hands their
 * URLs to the tests through `inject()`.
 */
export default async function browserGlobalSetup(project: TestProject) {
  const server = await startTestServer({ corsOrigins: ['*'] });
  const front = await startFaultyServer(server.url, () =>
    server.store.listSubscriptions(),
  );

  project.provide('pushServerUrl', server.url);
  project.provide('faultyServerUrl', front.url);

  return async () => {
    await front.close();
    await server.close();
  };
}
