import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pushPermissionMachine } from '../machines/pushPermissionMachine.js';
import { machineDiagram, rootEvents } from '../ui/machineDiagram.js';
import { replaceMarkedBlock } from '../ui/replaceMarkedBlock.js';

const generatedBy =
  'Generated from `machines/pushPermissionMachine.ts` by `npm run diagram`; a unit test fails when it is out of date.';

/** The whole of `docs/machine.md`. */
export function machineDoc(): string {
  const handled = rootEvents(pushPermissionMachine)
    .map((event) => `\`${event}\``)
    .join(', ');

  return `# The \`${pushPermissionMachine.id}\` machine

${generatedBy}

\`\`\`mermaid
${machineDiagram(pushPermissionMachine).trimEnd()}
\`\`\`

Labels read \`event [guard]\`; \`X done\` and \`X failed\` are the
invoked actor \`X\` resolving and rejecting, \`after D\` is the named delay
\`D\`, \`[else]\` is the unguarded fallback. An edge leaving a compound
state names the child it leaves from (\`creating: after subscribeTimeout\`).

In every state the machine also handles, without changing state: ${handled}
(the VAPID key request, which runs alongside the permission prompt).
`;
}

/** What README.md holds between the `machine-diagram` markers. */
export function readmeDiagramBlock(): string {
  return `### The machine

\`\`\`mermaid
${machineDiagram(pushPermissionMachine).trimEnd()}
\`\`\`

${generatedBy} How to read it: [docs/machine.md](docs/machine.md).`;
}

/** README.md with its diagram block brought up to date. */
export function readmeWithDiagram(readme: string): string {
  return replaceMarkedBlock(readme, 'machine-diagram', readmeDiagramBlock());
}

const docPath = fileURLToPath(new URL('../docs/machine.md', import.meta.url));
const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));

/** Writes `docs/machine.md` and the README block. */
export function drawMachine(): void {
  writeFileSync(docPath, machineDoc());
  writeFileSync(
    readmePath,
    readmeWithDiagram(readFileSync(readmePath, 'utf8')),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  drawMachine();
  console.log('Wrote docs/machine.md and the README diagram');
}
