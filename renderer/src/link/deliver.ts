import type { DecodedBatch } from '../../../shared/contract/batch';

/**
 * Hands a checked batch to every listener, each on its own: one that throws must neither keep the
 * others from their data nor keep the batch from being acknowledged (the engine would stop sending).
 */
export function deliverBatch(listeners: Iterable<(batch: DecodedBatch) => void>, batch: DecodedBatch): void {
  for (const listener of listeners) {
    try {
      listener(batch);
    } catch (err) {
      console.error('Sockpit: a batch listener failed', err);
    }
  }
}
