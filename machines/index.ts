export {
  type PushPermissionConfig,
  promptPushPermission,
  providePushMachine,
} from './promptPushPermission.js';
export { type PushAction, runPushAction } from './pushAction.js';
export { pushActors } from './pushActors.js';
export {
  AbortedError,
  HttpError,
  isHttpError,
  isPushPermissionError,
  KeyError,
  PermissionError,
  type PushErrorCode,
  type PushErrorData,
  PushPermissionError,
  RegisterError,
  ServiceWorkerError,
  SubscribeError,
  UnsupportedError,
  type UnsupportedReason,
  unsupportedMessages,
} from './pushPermissionErrors.js';
export {
  type PushFlowError,
  type PushPermissionContext,
  type PushPermissionEvent,
  type PushPermissionInput,
  type PushPermissionMachine,
  type PushPermissionOutput,
  pushPermissionMachine,
} from './pushPermissionMachine.js';
export type {
  ExistingSubscription,
  PushPlatform,
  PushServer,
  PushSubscriptionData,
  RegisterRequest,
  SupportResult,
} from './pushPorts.js';
export {
  defaultSettings,
  flowTimeBound,
  type PushFlowSettings,
  resolveSettings,
} from './pushSettings.js';
export {
  decodeBase64Url,
  encodeBase64Url,
  isSameKey,
  isVapidPublicKey,
} from './vapidKey.js';
