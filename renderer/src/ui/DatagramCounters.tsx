import type { SessionStats } from '../../../shared/contract';
import type { Translate } from '../i18n';

const exact = new Intl.NumberFormat('en-US');

/**
 * A UDP session's datagram counts beside its byte counters, and what the system dropped before the session
 * could read it (Linux): loss that a byte count alone never shows.
 */
export function DatagramCounters({ stats, t }: { stats: SessionStats | undefined; t: Translate }) {
  const packetsIn = stats?.counters.packetsIn ?? 0;
  const packetsOut = stats?.counters.packetsOut ?? 0;
  const drops = stats?.systemDrops;
  return (
    <div className="datagram-counters" data-datagrams-in={packetsIn} data-datagrams-out={packetsOut}>
      {t('udp.datagrams', { in: exact.format(packetsIn), out: exact.format(packetsOut) })}
      {drops !== undefined && drops > 0 && (
        <span className="system-drops warn" data-system-drops={drops} title={t('udp.systemDropsTitle')}>
          {' · '}
          {t('udp.systemDrops', { n: exact.format(drops) })}
        </span>
      )}
    </div>
  );
}
