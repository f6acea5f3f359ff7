import {
  createBrowserInspector,
  type StatelyInspectionEvent,
} from '@statelyai/inspect';
import type { InspectionEvent } from 'xstate';

/** Options of {@link connectInspector}. */
export interface InspectorConnection {
  /**
   * Receives every inspection event, converted by `@statelyai/inspect`.
   * When given, no inspector window is opened: events go here only.
   */
  send?: (event: StatelyInspectionEvent) => void;
  /** The inspector page. Default `https://stately.ai/inspect`. */
  url?: string;
  /** The window to open the inspector from. Default the global one. */
  window?: Window;
}

/**
 * Connects the Stately browser inspector and returns the function to
 * pass as `inspect` to `createActor` (or to `createPushPermission`).
 * Without `send`, it opens the inspector page in a new window, which
 * needs internet; with `send`, events go to that function instead.
 *
 * Note: `@statelyai/inspect` delivers events in an idle callback, so they
 * arrive shortly after the transition that made them.
 */
export function connectInspector(
  connection: InspectorConnection = {},
): (event: InspectionEvent) => void {
  const inspector = createBrowserInspector({
    autoStart: false,
    ...(connection.url === undefined ? {} : { url: connection.url }),
    ...(connection.window === undefined ? {} : { window: connection.window }),
    ...(connection.send === undefined ? {} : { send: connection.send }),
  });

  // Without a window the package hands back an adapter with no observer
  if (inspector.inspect === undefined) return () => {};

  // Starting opens the inspector window; a `send` hook needs none
  if (connection.send === undefined) inspector.start();

  const observer = inspector.inspect;

  return (event) => observer.next?.(event);
}
