import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { setup } from 'xstate';
import { pushPermissionMachine } from '../../../machines/index.js';
import { machineDoc, readmeWithDiagram } from '../../../scripts/drawMachine.js';
import { machineDiagram } from '../../../ui/machineDiagram.js';
import { replaceMarkedBlock } from '../../../ui/replaceMarkedBlock.js';

const read = (path: string) =>
  readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('machine diagram', () => {
  test('docs/machine.md matches the machine (run npm run diagram)', () => {
    expect(read('docs/machine.md')).toBe(machineDoc());
  });

  test('the README diagram matches the machine (run npm run diagram)', () => {
    const readme = read('README.md');

    expect(readme).toBe(readmeWithDiagram(readme));
  });

  test('draws every state, invoked actor, guard and named delay', () => {
    const text = machineDiagram(pushPermissionMachine);

    for (const state of [
      'checkingSupport',
      'requestingPermission',
      'requestingPermission_prompting',
      'fetchingKey',
      'subscribing_creating',
      'registering_waitingToRetry',
      'done',
      'error',
    ]) {
      expect(text).toMatch(new RegExp(`state "\\w+" as ${state}\\b`));
    }
    expect(text).toContain('checkingSupport : invoke checkSupport');
    expect(text).toContain(
      'checkingSupport --> requestingPermission : checkSupport done [isSupported]',
    );
    expect(text).toContain('fetchingKey --> subscribing : always [hasKey]');
    expect(text).toContain(
      'subscribing --> error : creating: after subscribeTimeout',
    );
    expect(text).toContain(
      'registering_waitingToRetry --> registering_sending : after registerRetryDelay',
    );
    expect(text).toContain('note right of error : user.cancel from any state');
  });

  test('draws a small machine exactly', () => {
    const machine = setup({
      guards: { isReady: () => true },
      delays: { wait: 10 },
    }).createMachine({
      id: 'small',
      initial: 'a',
      on: { stop: '.c' },
      states: {
        a: { on: { go: [{ guard: 'isReady', target: 'b' }, { target: 'c' }] } },
        b: {
          initial: 'x',
          states: { x: { after: { wait: 'y' } }, y: { always: '#small.c' } },
        },
        c: { type: 'final' },
      },
    });

    expect(machineDiagram(machine)).toBe(
      [
        'stateDiagram-v2',
        '  direction TB',
        '  [*] --> a',
        '  state "a" as a',
        '  state "b" as b {',
        '    [*] --> b_x',
        '    state "x" as b_x',
        '    state "y" as b_y',
        '    b_x --> b_y : after wait',
        '  }',
        '  state "c" as c',
        '  c --> [*]',
        '  a --> b : go [isReady]',
        '  a --> c : go [else]',
        '  b --> c : y: always',
        '  note right of c : stop from any state',
        '',
      ].join('\n'),
    );
  });
});

describe('replaceMarkedBlock', () => {
  test('replaces only the marked content and throws without markers', () => {
    const text = 'a\n<!-- x:start -->\nold\n<!-- x:end -->\nb';

    expect(replaceMarkedBlock(text, 'x', 'new')).toBe(
      'a\n<!-- x:start -->\nnew\n<!-- x:end -->\nb',
    );
    expect(() => replaceMarkedBlock('none', 'x', 'new')).toThrow(/markers/);
  });
});

describe('README screenshots', () => {
  test('the README table matches the shot list and every PNG exists', async () => {
    const { readmeScreenshotsBlock, shots } = await import(
      '../../../scripts/takeScreenshots.js'
    );
    const readme = read('README.md');

    expect(readme).toBe(
      replaceMarkedBlock(readme, 'screenshots', readmeScreenshotsBlock()),
    );
    for (const shot of shots) {
      const png = readFileSync(
        new URL(`../../../docs/screenshots/${shot.file}`, import.meta.url),
      );
      // PNG signature
      expect(png.subarray(1, 4).toString(), shot.file).toBe('PNG');
    }
  });
});
