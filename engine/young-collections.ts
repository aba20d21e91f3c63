import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Node gives every received datagram an ArrayBuffer of its own, which only the next young collection frees. Until then
 * V8 counts it as external memory allocated since the last full collection, and adds that to the old generation when
 * it decides whether to start a full one. A process that allocates little in its old generation (the engine, once it
 * runs) gets a limit only about 8 MiB above what it holds, and a flood of 1400-byte datagrams at 100k/s allocates
 * 8.4 MB between two young collections (~60 ms apart): V8 then started a full marking after nearly every young
 * collection, about ten a second, which cost ~1.3 µs of CPU per datagram, a quarter of what bare Node spends on one
 * (`npm run bench -- udp`). Bare Node escapes only because its old generation is below the 8 MiB at which V8 starts
 * marking at all. A young collection after every RECEIVED_BYTES_PER_YOUNG_COLLECTION of datagrams frees them before
 * they add up to the limit; it costs a fraction of a millisecond, and a slower flood triggers it rarely.
 */
export const RECEIVED_BYTES_PER_YOUNG_COLLECTION = 4 * 1024 * 1024;

type Collect = (options: { type: 'minor' }) => void;

/** V8's `gc`, fetched once through a fresh context; null where the runtime refuses (nothing else changes then). */
let collect: Collect | null | undefined;

function youngCollector(): Collect | null {
  if (collect !== undefined) return collect;
  collect = null;
  try {
    // The flag only adds `gc` to contexts created while it is set: the app's own globals never see it.
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc === 'function') collect = gc as Collect;
  } catch {
    collect = null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return collect;
}

let receivedSinceCollection = 0;

/** Counts the bytes of a Buffer Node allocated for one received datagram; collects young objects when enough went by. */
export function receivedDatagram(bytes: number): void {
  receivedSinceCollection += bytes;
  if (receivedSinceCollection < RECEIVED_BYTES_PER_YOUNG_COLLECTION) return;
  receivedSinceCollection = 0;
  youngCollector()?.({ type: 'minor' });
}
