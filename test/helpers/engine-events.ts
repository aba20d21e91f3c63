import type { EngineEvent } from '../../shared/contract';

interface Subscribable {
  subscribe(listener: (event: EngineEvent) => void): () => void;
}

/**
 * The first engine event that matches, or a rejection after `timeoutMs` listing what did arrive.
 * Subscribe before the action that causes the event, then await.
 */
export function waitForEvent<T extends EngineEvent['type']>(
  engine: Subscribable,
  type: T,
  match: (event: Extract<EngineEvent, { type: T }>) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Extract<EngineEvent, { type: T }>> {
  const seen: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no "${type}" event within ${timeoutMs} ms; saw: ${seen.join(', ') || 'nothing'}`));
    }, timeoutMs);
    const unsubscribe = engine.subscribe((event) => {
      seen.push(event.type);
      if (event.type === type && match(event as Extract<EngineEvent, { type: T }>)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(event as Extract<EngineEvent, { type: T }>);
      }
    });
  });
}
