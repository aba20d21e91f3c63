import type { Counters, SessionKind } from '../../../shared/contract';
import type { Translate } from '../i18n';

// Grouped by thousands ("1,234,567"): the way both English and Chinese readers write long counts.
const grouped = new Intl.NumberFormat('en-US');

export function exactNumber(n: number): string {
  return grouped.format(n);
}

/**
 * The counts behind the rounded "Rx 1.2 MiB": every byte, and for UDP every datagram, in a sentence that goes
 * into a title and an accessible description, so a person checking a transfer can compare it to the byte.
 */
export function exactCounters(t: Translate, counters: Counters | undefined, kind: SessionKind): string {
  const rx = exactNumber(counters?.bytesIn ?? 0);
  const tx = exactNumber(counters?.bytesOut ?? 0);
  if (kind !== 'udp') return t('exactCounters', { rx, tx });
  return t('exactCountersUdp', {
    rx,
    tx,
    datagramsIn: exactNumber(counters?.packetsIn ?? 0),
    datagramsOut: exactNumber(counters?.packetsOut ?? 0),
  });
}
