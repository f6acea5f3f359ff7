export {
  connectInspector,
  type InspectorConnection,
} from './connectInspector.js';
export { machineDiagram, rootEvents } from './machineDiagram.js';
export {
  defaultLabels,
  mountPushButton,
  type PushButtonHandle,
  type PushButtonLabels,
  type PushButtonOptions,
  type PushFlowActorLike,
  type PushFlowHooks,
} from './mountPushButton.js';
export {
  isFlowRunning,
  type PushFlowSnapshotLike,
  pushFlowView,
} from './pushFlowView.js';
export {
  detailMessages,
  errorMessages,
  type PushFlowStep,
  type PushFlowView,
  pushStatusMessage,
  stepMessages,
  unsupportedHints,
} from './pushStatusMessage.js';
export { replaceMarkedBlock } from './replaceMarkedBlock.js';
