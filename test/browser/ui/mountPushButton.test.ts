import { afterEach, describe, expect, test, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { type AnyActorRef, createActor } from 'xstate';
import { PermissionError } from '../../../machines/pushPermissionErrors.js';
import {
  mountPushButton,
  type PushButtonHandle,
  type PushFlowHooks,
} from '../../../ui/mountPushButton.js';
import {
  detailMessages,
  errorMessages,
  pushStatusMessage,
  stepMessages,
  unsupportedHints,
} from '../../../ui/pushStatusMessage.js';
import {
  type ControlledFlow,
  controlledFlow,
  controlledMachine,
  testKey,
  testSubscription,
  untilState,
} from './controlledFlow.js';

let handle: PushButtonHandle | undefined;
let host: HTMLElement;

afterEach(() => {
  handle?.destroy();
  host?.remove();
  vi.restoreAllMocks();
});

/** Mounts the button on a real machine driven by `flow`'s promises. */
function mount(flow: ControlledFlow, alert?: 'window' | 'inline') {
  host = document.createElement('div');
  document.body.append(host);
  const started: AnyActorRef[] = [];
  const starts: Record<string, unknown>[] = [];

  handle = mountPushButton(host, {
    start(options, hooks: PushFlowHooks) {
      starts.push(options);
      const actor = createActor(controlledMachine(flow, hooks.alert), {
        input: { options },
      });
      started.push(actor);
      actor.start();

      return actor;
    },
    options: { idUser: 'BF_USER_ID' },
    ...(alert ? { alert } : {}),
  });

  return { handle, started, starts, actor: () => started.at(-1) };
}

function expectRunning(ui: PushButtonHandle, message: string) {
  expect(ui.button.disabled).toBe(true);
  expect(ui.button.textContent).toBe('Turning on…');
  expect(ui.status.textContent).toBe(message);
  expect(ui.button.parentElement?.getAttribute('aria-busy')).toBe('true');
}

describe('mountPushButton when starting throws', () => {
  test('a click shows the error in the status line and keeps the button on', () => {
    host = document.createElement('div');
    document.body.append(host);
    handle = mountPushButton(host, {
      start() {
        throw new TypeError('`options` must be a plain object');
      },
    });

    handle.button.click();

    expect(handle.status.textContent).toBe(
      'Could not start: `options` must be a plain object',
    );
    expect(handle.button.disabled).toBe(false);
    expect(handle.button.parentElement?.dataset.step).toBe('error');
  });
});

describe('mountPushButton on the real machine', () => {
  test('shows each state of a whole flow and disables the button while it runs', async () => {
    const flow = controlledFlow();
    const { handle: ui, actor, starts } = mount(flow);

    // Idle: a real, enabled button and a polite live status
    expect(ui.button.tagName).toBe('BUTTON');
    expect(ui.button.type).toBe('button');
    expect(ui.button.disabled).toBe(false);
    expect(ui.button.textContent).toBe('Turn on notifications');
    expect(ui.status.getAttribute('aria-live')).toBe('polite');
    expect(ui.status.getAttribute('role')).toBe('status');
    expect(ui.status.textContent).toBe(stepMessages.idle);

    ui.button.click();
    const running = actor() as AnyActorRef;
    expect(starts).toEqual([{ idUser: 'BF_USER_ID' }]);
    expectRunning(ui, stepMessages.checkingSupport);

    flow.checkSupport.resolve({ supported: true });
    await untilState(running, 'requestingPermission.readingPermission');
    expectRunning(ui, detailMessages.readingPermission as string);

    flow.readPermission.resolve('default');
    await untilState(running, 'requestingPermission.prompting');
    expectRunning(ui, detailMessages.prompting as string);

    // A second click while it runs starts nothing
    ui.button.click();
    ui.start();
    expect(starts).toHaveLength(1);

    flow.requestPermission.resolve('granted');
    await untilState(running, 'fetchingKey');
    expectRunning(ui, stepMessages.fetchingKey);

    flow.fetchKey.resolve(testKey);
    await untilState(running, 'subscribing.findingExisting');
    expectRunning(ui, detailMessages.findingExisting as string);

    flow.getSubscription.resolve(null);
    await untilState(running, 'subscribing.creating');
    expectRunning(ui, detailMessages.creating as string);

    flow.subscribe.resolve(testSubscription);
    await untilState(running, 'registering.sending');
    expectRunning(ui, detailMessages.sending as string);

    flow.registerSubscription.resolve();
    await untilState(running, 'done');
    expect(ui.button.disabled).toBe(false);
    expect(ui.button.textContent).toBe('Notifications on');
    expect(ui.status.textContent).toBe(stepMessages.done);
    expect(ui.view().step).toBe('done');
  });

  test('blocked permission ends with how to unblock, and the button offers a retry', async () => {
    const flow = controlledFlow();
    const { handle: ui, actor } = mount(flow);

    ui.button.click();
    flow.checkSupport.resolve({ supported: true });
    flow.readPermission.resolve('denied');
    await untilState(actor() as AnyActorRef, 'error');

    expect(ui.button.disabled).toBe(false);
    expect(ui.button.textContent).toBe('Try again');
    expect(ui.status.textContent).toBe(
      errorMessages['permission-denied']({ code: 'permission-denied' }),
    );
    expect(ui.status.textContent).toMatch(/site settings/);
    expect(ui.view().error?.code).toBe(
      new PermissionError('permission-denied').code,
    );
  });

  test('a subscribe that fails with AbortError says the push service is unreachable', async () => {
    const flow = controlledFlow();
    const { handle: ui, actor } = mount(flow);

    ui.button.click();
    flow.checkSupport.resolve({ supported: true });
    flow.readPermission.resolve('granted');
    flow.fetchKey.resolve(testKey);
    flow.getSubscription.resolve(null);
    flow.subscribe.reject(new DOMException('no push service', 'AbortError'));
    await untilState(actor() as AnyActorRef, 'error');

    expect(ui.status.textContent).toBe(
      pushStatusMessage({
        step: 'error',
        error: { code: 'push-service-unreachable' },
      }),
    );
  });

  test('a retry after an error starts a new flow', async () => {
    const first = controlledFlow();
    const { handle: ui, started } = mount(first);

    ui.button.click();
    first.checkSupport.resolve({ supported: true });
    first.readPermission.resolve('default');
    first.requestPermission.resolve('default');
    await untilState(started[0] as AnyActorRef, 'error');
    expect(ui.status.textContent).toMatch(/again later/);

    ui.button.click();
    expect(started).toHaveLength(2);
    expectRunning(ui, stepMessages.checkingSupport);
  });

  test('the unsupported alert goes to window.alert by default', async () => {
    const alert = vi.spyOn(window, 'alert').mockImplementation(() => {});
    const flow = controlledFlow();
    const { handle: ui, actor } = mount(flow);

    ui.button.click();
    flow.checkSupport.resolve({
      supported: false,
      reason: 'ios-not-installed',
    });
    await untilState(actor() as AnyActorRef, 'error');

    expect(alert).toHaveBeenCalledOnce();
    expect(alert.mock.calls[0]?.[0]).toMatch(/Home Screen/);
    expect(ui.status.textContent).toBe(unsupportedHints['ios-not-installed']);
  });

  test('the unsupported alert goes to the status line with alert: inline', async () => {
    const alert = vi.spyOn(window, 'alert').mockImplementation(() => {});
    const flow = controlledFlow();
    const { handle: ui, actor } = mount(flow, 'inline');

    ui.button.click();
    flow.checkSupport.resolve({
      supported: false,
      reason: 'insecure-context',
    });
    await untilState(actor() as AnyActorRef, 'error');

    expect(alert).not.toHaveBeenCalled();
    expect(ui.status.textContent).toMatch(/secure \(https\) connection/);
    expect(ui.button.parentElement?.dataset.alert).toBe('true');
  });

  test('the keyboard starts the flow', async () => {
    const flow = controlledFlow();
    const { handle: ui, started } = mount(flow);

    ui.button.focus();
    await userEvent.keyboard('{Enter}');

    expect(started).toHaveLength(1);
    expect(ui.button.disabled).toBe(true);

    // Focus comes back to the button when the flow ends
    flow.checkSupport.resolve({ supported: true });
    flow.readPermission.resolve('denied');
    await untilState(started[0] as AnyActorRef, 'error');
    expect(ui.button.disabled).toBe(false);
    expect(document.activeElement).toBe(ui.button);
  });
});
