import { describe, expect, it } from 'vitest';
import { InboundQueue, SLICE_MS } from '../../renderer/src/link/inbound-queue';

// The page applies what the engine sends in arrival order, in slices that give way to input. What must hold:
// nothing is lost or reordered, a message that finds the page idle is applied at once, and one that finds
// input waiting (or a slice used up) is applied in a later task, after the input had its turn.

/** Resolves after the queue's own yield (a MessageChannel message) and a timer have run. */
const nextTasks = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('the link inbound queue', () => {
  it('applies a message at once when nothing waits, and every message in arrival order', async () => {
    const seen: number[] = [];
    const queue = new InboundQueue(
      () => 0,
      () => false,
    );
    queue.push(() => seen.push(1));
    expect(seen).toEqual([1]);
    for (let i = 2; i <= 50; i++) queue.push(() => seen.push(i));
    await nextTasks();
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(queue.length).toBe(0);
  });

  it('leaves a message for a later task while input is waiting, then applies it and what came after, in order', async () => {
    const seen: string[] = [];
    let input = true;
    const queue = new InboundQueue(
      () => 0,
      () => input,
    );
    queue.push(() => seen.push('batch 1'));
    queue.push(() => seen.push('reply 2'));
    expect(seen).toEqual([]);
    // The click's handler runs here, before any of them.
    seen.push('click');
    input = false;
    await nextTasks();
    expect(seen).toEqual(['click', 'batch 1', 'reply 2']);
  });

  it(`stops a slice after ${SLICE_MS} ms of work and goes on in the next task`, async () => {
    let clock = 0;
    const seen: number[] = [];
    const queue = new InboundQueue(
      () => clock,
      () => false,
    );
    // The first message takes the whole slice; the others are queued behind it while it runs.
    queue.push(() => {
      seen.push(0);
      for (let i = 1; i <= 5; i++) queue.push(() => seen.push(i));
      clock += SLICE_MS;
    });
    expect(seen).toEqual([0]);
    expect(queue.length).toBe(5);
    await nextTasks();
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('goes on after a message whose handler throws', async () => {
    const seen: string[] = [];
    const queue = new InboundQueue(
      () => 0,
      () => false,
    );
    const quiet = console.error;
    console.error = () => undefined;
    try {
      queue.push(() => {
        throw new Error('a broken batch listener');
      });
      queue.push(() => seen.push('next'));
      await nextTasks();
    } finally {
      console.error = quiet;
    }
    expect(seen).toEqual(['next']);
  });
});
