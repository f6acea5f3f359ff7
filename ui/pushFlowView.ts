import type { PushFlowStep, PushFlowView } from './pushStatusMessage.js';

/**
 * The part of a machine snapshot the UI reads. An xstate snapshot of
 * `pushPermissionMachine` fits; so does any object of the same shape.
 */
export interface PushFlowSnapshotLike {
  value: unknown;
  status: string;
  context: {
    error: { code: string; reason?: string; status?: number } | null;
    reused?: boolean;
  };
}

const steps: ReadonlySet<string> = new Set<PushFlowStep>([
  'checkingSupport',
  'requestingPermission',
  'fetchingKey',
  'subscribing',
  'registering',
  'done',
  'error',
]);

/**
 * The view of a snapshot: its top-level state as `step`, the child
 * state as `detail`, the error when it ended in `error`. Without a
 * snapshot, the flow has not started: `idle`.
 */
export function pushFlowView(
  snapshot: PushFlowSnapshotLike | undefined,
): PushFlowView {
  if (snapshot === undefined) return { step: 'idle' };

  // A compound state's value is `{ parent: 'child' }`
  const { value } = snapshot;
  let top: string | undefined;
  let detail: string | undefined;
  if (typeof value === 'string') {
    top = value;
  } else if (typeof value === 'object' && value !== null) {
    const [entry] = Object.entries(value);
    top = entry?.[0];
    detail = typeof entry?.[1] === 'string' ? entry[1] : undefined;
  }

  const step = (
    top !== undefined && steps.has(top) ? top : 'idle'
  ) as PushFlowStep;
  const error = snapshot.context.error;
  if (step === 'error' && error !== null) {
    return { step, error: error as PushFlowView['error'] };
  }
  if (step === 'done') return { step, reused: snapshot.context.reused };

  return { step, detail };
}

/** True while a flow runs: started and not yet in `done` or `error`. */
export function isFlowRunning(view: PushFlowView): boolean {
  return view.step !== 'idle' && view.step !== 'done' && view.step !== 'error';
}
