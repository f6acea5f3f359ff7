export {
  type BrowserPlatformOptions,
  browserPlatform,
  checkSupport,
  type PlatformWindow,
} from './browserPlatform.js';
export {
  type CreatePushPermissionConfig,
  createPushPermission,
  type PushLogger,
  type PushPermission,
  type PushPermissionActor,
} from './createPushPermission.js';
export {
  type HttpPushServerOptions,
  httpPushServer,
  type PushRoutes,
  parseRetryAfter,
} from './httpPushServer.js';
