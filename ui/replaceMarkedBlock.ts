/**
 * Replaces what lies between `<!-- name:start -->` and
 * `<!-- name:end -->` in a text (README.md) with `content`.
 *
 * @throws Error when either marker is missing or they are out of order.
 */
export function replaceMarkedBlock(
  text: string,
  name: string,
  content: string,
): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1 || to < from) {
    throw new Error(`The markers ${start} and ${end} are missing or misplaced`);
  }

  const body = content.trim() === '' ? '\n' : `\n${content.trim()}\n`;

  return `${text.slice(0, from + start.length)}${body}${text.slice(to)}`;
}
