import {
  assertPlainObject,
  type PushPermissionConfig,
  promptPushPermission,
} from './promptPushPermission.js';
import type { PushPermissionOutput } from './pushPermissionMachine.js';

/** A BetterForms-style action object. */
export interface PushAction {
  action: 'pwaPromptPushPermission';
  options?: Record<string, unknown>;
}

/**
 * Runs `{ action: 'pwaPromptPushPermission', options }` as BetterForms'
 * action processor would, resolving with the flow's outcome.
 *
 * Note: `*_calc` keys are evaluated by the action processor before the
 * action runs; this handler takes `options` as given and evaluates nothing.
 *
 * @throws TypeError when `action` is not that action, or `options` is not
 * a plain object.
 */
export function runPushAction(
  action: PushAction,
  config: PushPermissionConfig,
): Promise<PushPermissionOutput> {
  assertPushAction(action);

  return promptPushPermission(action.options ?? {}, config);
}

/**
 * Throws a TypeError unless the value is a plain
 * `{ action: 'pwaPromptPushPermission', options? }` object.
 */
export function assertPushAction(
  action: unknown,
): asserts action is PushAction {
  assertPlainObject(action, 'action');
  if (action.action !== 'pwaPromptPushPermission') {
    throw new TypeError("`action.action` must be 'pwaPromptPushPermission'");
  }
}
