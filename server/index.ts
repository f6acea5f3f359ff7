export { createPushApp } from './createPushApp.js';
export { identifyRequest, provenUserId } from './identifyRequest.js';
export type { RegisterBody } from './parseRegisterBody.js';
export {
  maxOptionsBytes,
  parseRegisterBody,
  parseUnregisterBody,
} from './parseRegisterBody.js';
export type {
  NotificationAction,
  NotificationPayload,
  SendBody,
} from './parseSendBody.js';
export { maxPayloadBytes, parseSendBody } from './parseSendBody.js';
export {
  checkPushEndpoint,
  isForbiddenHost,
} from './pushEndpointGuard.js';
export { maxJsonDepth, readJsonBody } from './readJsonBody.js';
export type {
  SendOptions,
  SendResult,
  VapidDetails,
} from './sendNotifications.js';
export { sendNotifications } from './sendNotifications.js';
export type { ServerErrorBody, ServerErrorCode } from './serverErrors.js';
export {
  isServerError,
  ServerError,
  SettingsError,
  toServerError,
} from './serverErrors.js';
export type {
  AuthSettings,
  RequestIdentity,
  ResolvedServerSettings,
  ServerLogger,
  ServerSettings,
} from './serverSettings.js';
export {
  defaultSettings,
  jsonLineLogger,
  loadSettingsFromEnv,
  resolveSettings,
  settingsEnvNames,
} from './serverSettings.js';
export type { RunningServer } from './startPushServer.js';
export { startPushServer } from './startPushServer.js';
export type {
  SubscriptionInput,
  SubscriptionRow,
  UpsertResult,
} from './subscriptionStore.js';
export { databaseFileName, SubscriptionStore } from './subscriptionStore.js';
