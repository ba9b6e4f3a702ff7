import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Event } from '@imprint/packer-bridge';
import { ASKER, installAskerPlugin } from './helpers/asker-plugin';
import { HostProcess } from './helpers/host-process';

jest.setTimeout(30_000);

let dir: string;
let host: HostProcess | undefined;

beforeEach(async () => {
  dir = await installAskerPlugin();
});
afterEach(async () => {
  host?.kill();
  await rm(dir, { recursive: true, force: true });
});

async function startAsker(): Promise<HostProcess> {
  host = new HostProcess({ kind: 'builder', component: 'asker', pkg: ASKER, cwd: dir, from: dir });
  expect(await host.ready()).toEqual({ ready: true, plugin: { name: ASKER, version: '1.2.3' } });
  await host.ok('prepare', {
    config: { question: 'Ship it?' },
    build: { name: 'q', type: 'asker', force: false, packer: {} },
  });
  return host;
}

/** Answers the first `ask` event of `h` with the `answer` request built by `reply`. */
function answerAsk(h: HostProcess, reply: (ask: number) => Record<string, unknown>): void {
  h.onEvent = (e: Event) => {
    if (e.event === 'ask') void h.ok('answer', reply(e.ask));
  };
}

describe('Ui.ask and progress under the bridge', () => {
  it('asks through an ask event and resumes with the answer; progress is throttled per step', async () => {
    const h = await startAsker();
    answerAsk(h, (ask) => ({ ask, answer: 'yes' }));
    const result = await h.ok('run');
    expect(result).toMatchObject({ artifact: { id: 'yes', string: 'answered yes' } });
    expect(h.events).toContainEqual({ id: 2, event: 'ask', ask: 1, question: 'Ship it?' });
    // 51 updates within a second: the first and the finished one go out.
    expect(h.events.filter((e) => e.event === 'progress')).toEqual([
      { id: 2, event: 'progress', step: 'counting', completed: 0, total: 50 },
      { id: 2, event: 'progress', step: 'counting', completed: 50, total: 50 },
    ]);
    // The build left nothing in its work directory: it is removed.
    expect(existsSync(join(dir, 'output-q'))).toBe(false);
    expect(await h.request('answer', { ask: 1, answer: 'again' })).toMatchObject({
      ok: false,
      error: { message: 'answer: no question 1 is waiting for an answer' },
    });
  });

  it('fails with the fallback code when the component’s error has none', async () => {
    const h = await startAsker();
    answerAsk(h, (ask) => ({ ask, answer: 'fail' }));
    expect(await h.request('run')).toEqual({
      id: 2,
      ok: false,
      error: { code: 'IMPRINT_BRIDGE_ERROR', message: 'told to fail' },
    });
  });

  it('rejects the question when the bridge answers with an error, or the run is cancelled', async () => {
    const h = await startAsker();
    answerAsk(h, (ask) => ({ ask, error: 'no terminal' }));
    expect(await h.request('run')).toMatchObject({ ok: false, error: { message: 'no terminal' } });

    h.onEvent = (e) => {
      if (e.event === 'ask') void h.ok('cancel', { target: e.id });
    };
    expect(await h.request('run')).toMatchObject({ ok: false, error: { message: 'cancelled' } });
  });
});
