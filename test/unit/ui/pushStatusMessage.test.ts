import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  type PushErrorCode,
  pushPermissionMachine,
  UnsupportedError,
  unsupportedMessages,
} from '../../../machines/index.js';
import { pushFlowView } from '../../../ui/pushFlowView.js';
import {
  detailMessages,
  errorMessages,
  type PushFlowStep,
  pushStatusMessage,
  stepMessages,
  unsupportedHints,
} from '../../../ui/pushStatusMessage.js';

// The code union as written in the source, so a new code fails here
function declaredErrorCodes(): string[] {
  const source = readFileSync(
    new URL('../../../machines/pushPermissionErrors.ts', import.meta.url),
    'utf8',
  );
  const union = /export type PushErrorCode =([^;]+);/.exec(source)?.[1];

  return [...(union ?? '').matchAll(/'([a-z-]+)'/g)].map((m) => m[1] ?? '');
}

describe('pushStatusMessage', () => {
  test('every error code of the machine has a message', () => {
    const codes = declaredErrorCodes();

    expect(codes).toContain('push-service-unreachable');
    expect(codes.length).toBeGreaterThanOrEqual(10);
    for (const code of codes) {
      expect(errorMessages, code).toHaveProperty(code);
      const text = pushStatusMessage({
        step: 'error',
        error: { code: code as PushErrorCode },
      });
      expect(text, code).not.toMatch(/something went wrong/i);
      expect(text.length, code).toBeGreaterThan(20);
    }
  });

  test('every state and sub-state of the machine has a message', () => {
    const root = pushPermissionMachine.root;

    for (const [name, node] of Object.entries(root.states)) {
      if (name !== 'error') {
        expect(stepMessages, name).toHaveProperty(name);
      }
      for (const child of Object.keys(node.states)) {
        expect(detailMessages, `${name}.${child}`).toHaveProperty(child);
      }
    }
    expect(stepMessages).toHaveProperty('idle');
  });

  test('every unsupported reason has a hint', () => {
    for (const reason of Object.keys(unsupportedMessages)) {
      expect(unsupportedHints, reason).toHaveProperty(reason);
    }
  });

  test('messages tell a person what to do for the common failures', () => {
    const say = (code: PushErrorCode, extra = {}) =>
      pushStatusMessage({ step: 'error', error: { code, ...extra } });

    expect(say('permission-denied')).toMatch(/site settings/i);
    expect(say('permission-dismissed')).toMatch(/again later/i);
    expect(say('unsupported', { reason: 'ios-not-installed' })).toMatch(
      /Home Screen/,
    );
    expect(say('push-service-unreachable')).toMatch(/network/i);
    expect(say('push-service-unreachable')).toMatch(/push service/i);
    expect(say('register-failed', { status: 503 })).toMatch(/status 503/);
    expect(say('register-failed', { status: 400 })).toMatch(/not accept/);
    expect(say('key-fetch-failed')).toMatch(/server/i);
  });

  test('a sub-state refines its step message, a done flow says so', () => {
    const steps: PushFlowStep[] = ['requestingPermission', 'registering'];

    expect(pushStatusMessage({ step: steps[0] as PushFlowStep })).toBe(
      stepMessages.requestingPermission,
    );
    expect(
      pushStatusMessage({ step: 'registering', detail: 'waitingToRetry' }),
    ).toMatch(/trying again/);
    expect(pushStatusMessage({ step: 'done', reused: true })).toMatch(
      /already subscribed/,
    );
  });
});

describe('pushFlowView', () => {
  const context = { error: null, reused: false };

  test('reads the top state and its child from a snapshot value', () => {
    expect(pushFlowView(undefined)).toEqual({ step: 'idle' });
    expect(
      pushFlowView({ value: 'checkingSupport', status: 'active', context }),
    ).toEqual({ step: 'checkingSupport', detail: undefined });
    expect(
      pushFlowView({
        value: { requestingPermission: 'prompting' },
        status: 'active',
        context,
      }),
    ).toEqual({ step: 'requestingPermission', detail: 'prompting' });
  });

  test('carries the error of a flow that ended in error', () => {
    const error = new UnsupportedError('ios-not-installed');
    const view = pushFlowView({
      value: 'error',
      status: 'done',
      context: { error, reused: false },
    });

    expect(view.step).toBe('error');
    expect(view.error?.code).toBe('unsupported');
    expect(pushStatusMessage(view)).toMatch(/Home Screen/);
  });
});
