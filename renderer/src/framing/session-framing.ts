import type { SessionInfo } from '../../../shared/contract';
import type { FramingDraft } from './choice';

/**
 * The session's own framing (its config, set where the session is made or by the CLI's `--frame`) as the
 * view's controls show it; undefined while the session has none, which means per read.
 */
export function sessionFramingDraft(_session: SessionInfo): FramingDraft | undefined {
  return undefined;
}
