export {
  type BrowserPlatformOptions,
  browserPlatform,
  type CreatePushPermissionConfig,
  checkSupport,
  createPushPermission,
  type HttpPushServerOptions,
  httpPushServer,
  type PlatformWindow,
  type PushLogger,
  type PushPermission,
  type PushPermissionActor,
  type PushRoutes,
  parseRetryAfter,
} from './adapters/index.js';
export { shareOptionsWithWorker } from './adapters/shareOptionsWithWorker.js';
export {
  type PushPermissionConfig,
  promptPushPermission,
  providePushMachine,
} from './machines/promptPushPermission.js';
export { type PushAction, runPushAction } from './machines/pushAction.js';
export { pushActors } from './machines/pushActors.js';
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
} from './machines/pushPermissionErrors.js';
export {
  type PushFlowError,
  type PushPermissionContext,
  type PushPermissionEvent,
  type PushPermissionInput,
  type PushPermissionMachine,
  type PushPermissionOutput,
  pushPermissionMachine,
} from './machines/pushPermissionMachine.js';
export type {
  ExistingSubscription,
  PushPlatform,
  PushServer,
  PushSubscriptionData,
  RegisterRequest,
  SupportResult,
} from './machines/pushPorts.js';
export {
  defaultSettings,
  flowTimeBound,
  type PushFlowSettings,
  resolveSettings,
} from './machines/pushSettings.js';
export {
  decodeBase64Url,
  encodeBase64Url,
  isSameKey,
  isVapidPublicKey,
} from './machines/vapidKey.js';
export {
  mountPushButton,
  type PushButtonHandle,
  type PushButtonLabels,
  type PushButtonOptions,
} from './ui/mountPushButton.js';
export { pushStatusMessage } from './ui/pushStatusMessage.js';
