import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FrameNotifier } from '../../renderer/src/state/frame-notifier';

// The log tells its views about new rows once a frame. While a click or key waits for the main thread, the
// redraw of a flooding log gives way to it for at most two frames, then goes ahead anyway.

type Page = {
  requestAnimationFrame?: (callback: (now: number) => void) => number;
  navigator?: unknown;
};
const page = globalThis as unknown as Page;

let frames: Array<(now: number) => void> = [];
let input = false;
const saved = { raf: page.requestAnimationFrame, navigator: Object.getOwnPropertyDescriptor(globalThis, 'navigator') };

/** Runs the callbacks of one animation frame. */
function frame(now: number): void {
  const due = frames;
  frames = [];
  for (const callback of due) callback(now);
}

beforeEach(() => {
  frames = [];
  input = false;
  page.requestAnimationFrame = (callback) => frames.push(callback);
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true,
    value: { scheduling: { isInputPending: () => input } },
  });
});

afterEach(() => {
  page.requestAnimationFrame = saved.raf;
  if (saved.navigator) Object.defineProperty(globalThis, 'navigator', saved.navigator);
  else delete page.navigator;
});

describe('the once-a-frame notifier', () => {
  it('tells the views in the next frame when no input waits', () => {
    const notifier = new FrameNotifier();
    let told = 0;
    notifier.subscribe('s1', () => told++);
    notifier.changed('s1');
    notifier.changed('s1');
    frame(16);
    expect(told).toBe(1);
  });

  it('lets waiting input go first for at most two frames, then tells the views', () => {
    const notifier = new FrameNotifier();
    let told = 0;
    notifier.subscribe('s1', () => told++);
    input = true;
    notifier.changed('s1');
    frame(16);
    frame(32);
    expect(told).toBe(0);
    frame(48);
    expect(told).toBe(1);
  });

  it('tells the views as soon as the input has been handled', () => {
    const notifier = new FrameNotifier();
    let told = 0;
    notifier.subscribe('s1', () => told++);
    input = true;
    notifier.changed('s1');
    frame(16);
    expect(told).toBe(0);
    input = false;
    frame(32);
    expect(told).toBe(1);
  });
});
