import {
  isFlowRunning,
  type PushFlowSnapshotLike,
  pushFlowView,
} from './pushFlowView.js';
import { type PushFlowView, pushStatusMessage } from './pushStatusMessage.js';

/**
 * What the button needs of an actor: an xstate `Actor` of
 * `pushPermissionMachine` fits, and so does what `createPushPermission`'s
 * `start()` returns.
 */
export interface PushFlowActorLike {
  getSnapshot(): PushFlowSnapshotLike;
  subscribe(next: (snapshot: PushFlowSnapshotLike) => void): {
    unsubscribe(): void;
  };
}

/** Hooks handed to `start`, to wire into the machine it starts. */
export interface PushFlowHooks {
  /** Shows the unsupported message, as the `alert` option says. */
  alert(message: string): void;
}

/** The button's texts, by what it would do. */
export interface PushButtonLabels {
  /** Before any flow. Default "Turn on notifications". */
  idle: string;
  /** While a flow runs. Default "Turning on…". */
  working: string;
  /** After a flow ended in `done`. Default "Notifications on". */
  done: string;
  /** After a flow ended in `error`. Default "Try again". */
  retry: string;
}

/** Options of {@link mountPushButton}. */
export interface PushButtonOptions {
  /**
   * Starts one flow and returns its (started) actor. Called on each
   * click with `options` and the hooks; wire `hooks.alert` into the
   * machine's `alertUnsupported` (e.g. `providePushMachine({ alert })`).
   */
  start: (
    options: Record<string, unknown>,
    hooks: PushFlowHooks,
  ) => PushFlowActorLike;
  /**
   * BetterForms `options` for the flow, e.g. `{ idUser }`, or a function
   * read on each click (e.g. from a form field).
   */
  options?: Record<string, unknown> | (() => Record<string, unknown>);
  /**
   * Where the unsupported alert goes: `window` (default, as the original
   * action) calls `window.alert`; `inline` shows it in the status line.
   */
  alert?: 'window' | 'inline';
  /** Button texts; missing ones keep their defaults. */
  labels?: Partial<PushButtonLabels>;
  /** Called after each render with the view shown. */
  onChange?: (view: PushFlowView) => void;
}

/** A mounted button. */
export interface PushButtonHandle {
  /** The `<button>` that starts the flow. */
  readonly button: HTMLButtonElement;
  /** The `aria-live` status line. */
  readonly status: HTMLElement;
  /** The current view (step, detail, error). */
  view(): PushFlowView;
  /** The running or last flow's actor, if one was started. */
  actor(): PushFlowActorLike | undefined;
  /** The alert hook, for machines wired before the button was mounted. */
  alert(message: string): void;
  /** Starts a flow, as a click does; joins the one running, if any. */
  start(): PushFlowActorLike;
  /** Stops listening and removes the button and status line. */
  destroy(): void;
}

export const defaultLabels: Readonly<PushButtonLabels> = Object.freeze({
  idle: 'Turn on notifications',
  working: 'Turning on…',
  done: 'Notifications on',
  retry: 'Try again',
});

/**
 * Mounts a framework-free push button into `element`: a `<button>` that
 * starts the flow and is disabled while it runs, and a status line in a
 * polite live region with a plain-words message for every state and
 * error. Style it with the `--push-*` custom properties of
 * `ui/pushButton.css`; `data-step` on the root tells the state.
 *
 * @throws TypeError when `element` is not an element or `start` is not a
 * function.
 */
export function mountPushButton(
  element: Element,
  config: PushButtonOptions,
): PushButtonHandle {
  if (!(element instanceof Element)) {
    throw new TypeError('`element` must be a DOM element');
  }
  if (typeof config?.start !== 'function') {
    throw new TypeError('`start` must be a function returning an actor');
  }

  const labels = { ...defaultLabels, ...config.labels };
  const alertMode = config.alert ?? 'window';
  const document = element.ownerDocument;

  // Markup
  const root = document.createElement('div');
  root.className = 'push-button';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'push-button__button';
  const status = document.createElement('p');
  status.className = 'push-button__status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  root.append(button, status);
  element.append(root);

  let actor: PushFlowActorLike | undefined;
  let subscription: { unsubscribe(): void } | undefined;
  let view: PushFlowView = { step: 'idle' };
  let inlineAlert: string | undefined;
  let refocus = false;

  function render(next: PushFlowView) {
    view = next;
    const running = isFlowRunning(view);
    root.dataset.step = view.step;
    root.setAttribute('aria-busy', String(running));

    // A disabled button drops keyboard focus: give it back afterwards
    if (running && document.activeElement === button) refocus = true;
    button.disabled = running;
    if (!running && refocus) {
      refocus = false;
      button.focus();
    }
    button.textContent = running
      ? labels.working
      : view.step === 'done'
        ? labels.done
        : view.step === 'error'
          ? labels.retry
          : labels.idle;

    const message =
      view.step === 'error' && inlineAlert !== undefined
        ? inlineAlert
        : pushStatusMessage(view);
    if (status.textContent !== message) status.textContent = message;
    config.onChange?.(view);
  }

  function alert(message: string) {
    if (alertMode === 'window') {
      document.defaultView?.alert(message);
      return;
    }
    inlineAlert = message;
    root.dataset.alert = 'true';
    status.textContent = message;
  }

  function start(): PushFlowActorLike {
    if (actor && isFlowRunning(view)) return actor;

    subscription?.unsubscribe();
    inlineAlert = undefined;
    delete root.dataset.alert;

    const options =
      typeof config.options === 'function'
        ? config.options()
        : { ...config.options };
    const started = config.start(options, { alert });
    actor = started;
    subscription = started.subscribe((snapshot) => {
      if (actor === started) render(pushFlowView(snapshot));
    });
    render(pushFlowView(started.getSnapshot()));

    return started;
  }

  // A click has no caller to throw to: a bad `options` or a failing
  // `start` is shown in the status line instead of being lost
  function onClick() {
    try {
      start();
    } catch (error) {
      root.dataset.step = 'error';
      status.textContent = `Could not start: ${
        error instanceof Error ? error.message : String(error)
      }`;
    }
  }
  button.addEventListener('click', onClick);
  render(view);

  return {
    button,
    status,
    view: () => view,
    actor: () => actor,
    alert,
    start,
    destroy() {
      subscription?.unsubscribe();
      button.removeEventListener('click', onClick);
      root.remove();
    },
  };
}
