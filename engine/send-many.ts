import type { Encoding } from '../shared/codec/options';
import type { SendResult } from '../shared/contract';
import { ok, type Result } from '../shared/result';
import type { TcpConnection } from './tcp-connection';

/**
 * Write the same bytes to several connections. A failure on one does not stop the others; the
 * result fails only when every destination failed, and then says why for the first.
 */
export async function sendToEach(
  connections: TcpConnection[],
  bytes: Uint8Array,
  encoding?: Encoding,
): Promise<Result<SendResult>> {
  const results = await Promise.all(connections.map((connection) => connection.write(bytes, encoding)));
  const seqs: number[] = [];
  const failed: NonNullable<SendResult['failed']> = [];
  results.forEach((result, index) => {
    if (result.ok) seqs.push(...result.value.seqs);
    else failed.push({ connectionId: connections[index].id, error: result.error });
  });
  if (seqs.length === 0 && failed.length > 0) return { ok: false, error: failed[0].error };
  return ok({ bytes: bytes.byteLength, destinations: seqs.length, seqs, ...(failed.length > 0 ? { failed } : {}) });
}
