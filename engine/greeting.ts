import type { EngineEvent, SendPayload } from '../shared/contract';
import { sendOptionsFor } from '../shared/contract/record-encoding';
import type { Result, SockpitError } from '../shared/result';
import type { Session } from './session';
import { keyedError, wrappedError } from '../shared/errors/word';

/**
 * The session's greeting, if it has one, to a connection that just opened: a TCP client's (each reconnect
 * too; short-mode exchanges carry only the message they were opened for) or a client a TCP server accepted.
 * Sent like any other send, so it is recorded as tx; a failure becomes an error event, never a crash.
 */
export function sendGreeting(
  session: Session,
  connectionId: string,
  compose: (sessionId: string, payload: SendPayload) => Result<{ bytes: Uint8Array }>,
  emit: (event: EngineEvent) => void,
): void {
  const config = session.config;
  if (config.kind === 'udp' || !config.greeting) return;
  if (config.kind === 'tcp-client' && config.mode === 'short') return;
  const greeting = config.greeting;
  const report = (error: SockpitError) =>
    emit({ type: 'error', sessionId: session.id, connectionId, error: wrappedError('greeting-not-sent', {}, error) });
  // After the opening event has reached every listener, so the greeting's tx record follows "connected".
  queueMicrotask(() => {
    const built = compose(session.id, greeting);
    if (!built.ok) return report(built.error);
    const target =
      config.kind === 'tcp-server' ? { to: 'connections' as const, connectionIds: [connectionId] } : undefined;
    session.send(built.value.bytes, target, sendOptionsFor(greeting)).then(
      (sent) => {
        if (!sent.ok) report(sent.error);
      },
      (err: unknown) =>
        report(keyedError('E_INTERNAL', 'raw', { rawMessage: err instanceof Error ? err.message : String(err) })),
    );
  });
}
