import type {
  PushErrorCode,
  PushErrorData,
  UnsupportedReason,
} from '../machines/pushPermissionErrors.js';

/** The top-level states of the flow, plus `idle` before it starts. */
export type PushFlowStep =
  | 'idle'
  | 'checkingSupport'
  | 'requestingPermission'
  | 'fetchingKey'
  | 'subscribing'
  | 'registering'
  | 'done'
  | 'error';

/** What the UI shows: the step, its sub-state and the error, if any. */
export interface PushFlowView {
  step: PushFlowStep;
  /** The child state's name, e.g. `prompting` or `waitingToRetry`. */
  detail?: string | undefined;
  /** The error the flow ended with, when `step` is `error`. */
  error?: Pick<PushErrorData, 'code'> &
    Partial<Pick<PushErrorData, 'reason' | 'status'>>;
  /** Whether the existing browser subscription was kept (`done`). */
  reused?: boolean | undefined;
}

/** A plain-words line for each step but `error`. */
export const stepMessages: Record<Exclude<PushFlowStep, 'error'>, string> = {
  idle: 'Notifications are off. Turn them on to hear from us.',
  checkingSupport: 'Checking that this browser can show notifications…',
  requestingPermission:
    'Asking for permission: answer the prompt from your browser.',
  fetchingKey: 'Getting ready to subscribe…',
  subscribing: 'Subscribing this browser to notifications…',
  registering: 'Saving your subscription…',
  done: 'Notifications are on.',
};

/** Refinements of a step by its sub-state, where they tell more. */
export const detailMessages: Record<string, string> = {
  readingPermission: 'Checking notification permission…',
  prompting: 'Allow notifications in the prompt from your browser.',
  findingExisting: 'Looking for an existing subscription…',
  unsubscribingStale: 'Replacing an old subscription…',
  creating: 'Subscribing this browser to notifications…',
  sending: 'Saving your subscription…',
  waitingToRetry: 'The server is busy; trying again in a moment…',
};

/** What a person can do when the browser cannot do push, by reason. */
export const unsupportedHints: Record<UnsupportedReason, string> = {
  'no-notification':
    'This browser cannot show notifications. Try a current Chrome, Edge, Firefox or Safari.',
  'no-push-manager':
    'This browser does not support push notifications. Try a current Chrome, Edge, Firefox or Safari.',
  'no-service-worker':
    'This browser cannot run the background worker that notifications need (private windows often block it). Try a normal window or another browser.',
  'insecure-context':
    'Notifications need a secure connection. Open this site with https://.',
  'ios-not-installed':
    'On iPhone and iPad, add this app to your Home Screen first (Share, then Add to Home Screen), open it from there and try again.',
};

type ErrorView = NonNullable<PushFlowView['error']>;

/** An actionable line for every error code. */
export const errorMessages: Record<PushErrorCode, (e: ErrorView) => string> = {
  unsupported: (e) =>
    unsupportedHints[e.reason ?? 'no-push-manager'] ??
    unsupportedHints['no-push-manager'],
  'permission-denied': () =>
    'Notifications are blocked for this site. To unblock them, open the site settings (the icon left of the address bar), set Notifications to Allow, then reload the page.',
  'permission-dismissed': () =>
    'The prompt was closed without an answer. You can ask again later with the button.',
  'key-fetch-failed': (e) =>
    `Our server could not be reached${withStatus(e)}. Check your connection and try again in a few minutes.`,
  'invalid-key': () =>
    'Our server sent a setup key this browser cannot use. Please tell us; trying again will not help until we fix it.',
  'service-worker-unavailable': () =>
    'The background worker for notifications did not start. Reload the page and try again.',
  'push-service-unreachable': () =>
    "Your browser could not reach its push service. Check your network, or use a browser that has one (some Chromium builds don't), then try again.",
  'subscribe-failed': () =>
    'Your browser refused to subscribe. Try again; if it keeps failing, try another browser.',
  'register-failed': (e) =>
    e.status !== undefined && e.status >= 400 && e.status < 500
      ? `Our server did not accept the subscription${withStatus(e)}. Reload the page and try again; if it keeps failing, please tell us.`
      : `Our server could not save the subscription${withStatus(e)}. Try again in a few minutes.`,
  aborted: () => 'Cancelled. Notifications stay off until you try again.',
};

/**
 * The plain-words status line for a view of the flow. Pure: no DOM, so
 * it runs (and is tested) in Node.
 */
export function pushStatusMessage(view: PushFlowView): string {
  if (view.step === 'error') {
    const code = view.error?.code;
    const message = code === undefined ? undefined : errorMessages[code];

    return message
      ? message(view.error as ErrorView)
      : 'Something went wrong. Try again.';
  }
  if (view.step === 'done' && view.reused) {
    return 'Notifications are on (this browser was already subscribed).';
  }

  const detail =
    view.detail === undefined ? undefined : detailMessages[view.detail];

  return detail ?? stepMessages[view.step];
}

function withStatus(error: ErrorView): string {
  return error.status === undefined ? '' : ` (status ${error.status})`;
}
