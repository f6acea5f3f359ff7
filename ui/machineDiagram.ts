import type { AnyStateMachine, AnyStateNode } from 'xstate';

/** One drawn transition. */
interface Edge {
  from: string;
  to: string;
  label: string;
}

/**
 * A Mermaid `stateDiagram-v2` of a machine, read from its state nodes:
 * every state (compound ones as nested blocks, with their initial child),
 * the actors they invoke, and every transition with a target, labelled
 * with its event, guard (`[else]` for an unguarded fallback) or delay.
 * Deterministic: the same machine gives the same text.
 *
 * Note: Mermaid cannot draw an edge between states of different
 * composites, so such an edge is drawn between their ancestors that
 * share a parent, and its label names the inner source state.
 */
export function machineDiagram(machine: AnyStateMachine): string {
  const lines = ['stateDiagram-v2', '  direction TB'];
  const edges = new Map<AnyStateNode, Edge[]>();
  const notes: Edge[] = [];

  collectEdges(machine.root, machine.root, edges, notes);
  drawNode(machine.root, machine.root, edges, lines, '  ');

  // Targeted transitions of the root apply in every state
  for (const { to, label } of notes) {
    lines.push(`  note right of ${to} : ${label} from any state`);
  }

  return `${lines.join('\n')}\n`;
}

/** Events the root handles without leaving the state (for the docs). */
export function rootEvents(machine: AnyStateMachine): string[] {
  return [...machine.root.transitions.entries()]
    .filter(([, list]) => list.every((t) => (t.target ?? []).length === 0))
    .map(([event]) => event);
}

function nodeId(root: AnyStateNode, node: AnyStateNode): string {
  return node === root ? '[*]' : node.path.join('_');
}

function drawNode(
  root: AnyStateNode,
  node: AnyStateNode,
  edges: Map<AnyStateNode, Edge[]>,
  lines: string[],
  indent: string,
) {
  const children = Object.values(node.states) as AnyStateNode[];

  // Initial child
  const initial = node.initial?.target?.[0] as AnyStateNode | undefined;
  if (initial) lines.push(`${indent}[*] --> ${nodeId(root, initial)}`);

  for (const child of children) {
    const id = nodeId(root, child);
    const grandChildren = Object.keys(child.states);
    if (grandChildren.length > 0) {
      lines.push(`${indent}state "${child.key}" as ${id} {`);
      drawNode(root, child, edges, lines, `${indent}  `);
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}state "${child.key}" as ${id}`);
    }
    for (const invoke of child.invoke) {
      lines.push(`${indent}${id} : invoke ${String(invoke.src)}`);
    }
    if (child.type === 'final') lines.push(`${indent}${id} --> [*]`);
  }

  // Edges between the children of this node
  for (const edge of edges.get(node) ?? []) {
    lines.push(`${indent}${edge.from} --> ${edge.to} : ${edge.label}`);
  }
}

function collectEdges(
  root: AnyStateNode,
  node: AnyStateNode,
  edges: Map<AnyStateNode, Edge[]>,
  notes: Edge[],
) {
  const groups = [
    ...node.transitions.entries(),
    ['', node.always ?? []] as const,
  ];

  for (const [event, list] of groups) {
    const guarded = list.some((t) => t.guard !== undefined);
    for (const transition of list) {
      for (const target of (transition.target ?? []) as AnyStateNode[]) {
        const text = {
          event: eventLabel(event, node),
          guard: guardLabel(transition.guard, guarded),
        };
        if (node === root) {
          notes.push({ from: '', to: nodeId(root, target), label: text.event });
          continue;
        }
        addEdge(root, node, target, edges, text);
      }
    }
  }

  for (const child of Object.values(node.states) as AnyStateNode[]) {
    collectEdges(root, child, edges, notes);
  }
}

function addEdge(
  root: AnyStateNode,
  source: AnyStateNode,
  target: AnyStateNode,
  edges: Map<AnyStateNode, Edge[]>,
  text: { event: string; guard: string },
) {
  // Lift both ends to children of their lowest common ancestor
  const common = commonAncestor(source, target);
  const from = childOf(common, source);
  const to = childOf(common, target);
  const prefix = from === source ? '' : `${source.key}: `;
  const suffix = to === target ? '' : ` to ${target.key}`;
  const label = `${prefix}${text.event}${text.guard}${suffix}`;

  const list = edges.get(common) ?? [];
  list.push({ from: nodeId(root, from), to: nodeId(root, to), label });
  edges.set(common, list);
}

function ancestors(node: AnyStateNode): AnyStateNode[] {
  const chain: AnyStateNode[] = [];
  for (let at: AnyStateNode | undefined = node; at; at = at.parent) {
    chain.unshift(at);
  }

  return chain;
}

function commonAncestor(
  source: AnyStateNode,
  target: AnyStateNode,
): AnyStateNode {
  // The nearest proper ancestor of the source that contains the target
  const targetChain = ancestors(target);
  for (let at = source.parent; at; at = at.parent) {
    if (at !== target && targetChain.includes(at)) return at;
  }

  return targetChain[0] as AnyStateNode;
}

function childOf(ancestor: AnyStateNode, node: AnyStateNode): AnyStateNode {
  let at = node;
  while (at.parent && at.parent !== ancestor) at = at.parent;

  return at;
}

function eventLabel(event: string, node: AnyStateNode): string {
  if (event === '') return 'always';

  const done = /^xstate\.done\.actor\.(.+)$/.exec(event);
  if (done) return `${done[1]} done`;
  const failed = /^xstate\.error\.actor\.(.+)$/.exec(event);
  if (failed) return `${failed[1]} failed`;
  if (event.startsWith('xstate.after.')) {
    const delay = node.after.find((t) => t.eventType === event)?.delay;

    return `after ${String(delay)}`;
  }

  return event;
}

function guardLabel(guard: unknown, siblingsGuarded: boolean): string {
  if (guard === undefined) return siblingsGuarded ? ' [else]' : '';
  if (typeof guard === 'string') return ` [${guard}]`;
  if (typeof guard === 'object' && guard !== null && 'type' in guard) {
    return ` [${String((guard as { type: unknown }).type)}]`;
  }

  return ' [inline guard]';
}
