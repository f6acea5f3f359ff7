import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * Runs every `bench/*Bench.ts` module in name order (or only those whose
 * name contains the first argument) and lets each print its table.
 */
const folder = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv[2];

const files = (await readdir(folder))
  .filter((file) => file.endsWith('Bench.ts'))
  .filter((file) => only === undefined || file.includes(only))
  .sort();

for (const file of files) {
  const bench = (await import(new URL(file, import.meta.url).href)) as {
    default: () => Promise<void>;
  };

  await bench.default();
}
