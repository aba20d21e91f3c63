import { isIP } from 'node:net';
import type { SockpitError } from '../shared/result';
import { explainError } from './errors';

// A failed multicast join or leave involves two addresses, the group and the interface address it is
// joined on, and the system's error code alone does not say which one is wrong. These messages name
// each address in its own role, so a person is never told that a group is a missing interface.

export interface MulticastAttempt {
  action: 'join' | 'leave';
  group: string;
  /** The local interface address given by the user; undefined lets the system choose. */
  iface?: string;
  /** The session's socket type: an IPv4 socket cannot join an IPv6 group, and back. */
  socketFamily: 'udp4' | 'udp6';
}

type Version = 4 | 6;

function versionOf(address: string): Version | undefined {
  const v = isIP(address.split('%')[0] ?? '');
  return v === 4 || v === 6 ? v : undefined;
}

/** 224.0.0.0/4 for IPv4, ff00::/8 for IPv6 (an IPv4-mapped IPv6 address is never a group). */
export function isMulticastAddress(address: string): boolean {
  const plain = address.split('%')[0] ?? '';
  const version = isIP(plain);
  if (version === 4) {
    const first = Number(plain.split('.')[0]);
    return first >= 224 && first <= 239;
  }
  if (version === 6) return /^ff[0-9a-f]{2}:/i.test(plain);
  return false;
}

const GROUP_RANGES = 'IPv4 groups are 224.0.0.0 to 239.255.255.255; IPv6 groups start with ff (for example ff02::1).';
const CHOOSE_INTERFACE =
  'Give the address of one of this computer\u2019s network interfaces (the interface list shows them), or leave the interface empty to let the system choose.';

export function explainMulticastError(err: unknown, attempt: MulticastAttempt): SockpitError {
  const { action, group, iface, socketFamily } = attempt;
  const general = explainError(err, { op: 'multicast', host: group, iface, protocol: 'UDP' });
  const on = iface ? ` on the interface ${iface}` : '';
  const prefix = `Could not ${action} the multicast group ${group}${on}`;
  const groupVersion = versionOf(group);
  const ifaceVersion = iface ? versionOf(iface) : undefined;
  const socketVersion: Version = socketFamily === 'udp6' ? 6 : 4;
  const worded = (message: string, hint: string): SockpitError => ({ ...general, message, hint });

  if (!isMulticastAddress(group)) {
    return worded(`${prefix}: ${group} is not a multicast address.`, GROUP_RANGES);
  }
  if (iface && ifaceVersion && groupVersion && ifaceVersion !== groupVersion) {
    return worded(
      `${prefix}: the interface address ${iface} is IPv${ifaceVersion} and the group ${group} is IPv${groupVersion}.`,
      `Give an IPv${groupVersion} interface address, or leave the interface empty to let the system choose.`,
    );
  }
  if (groupVersion && groupVersion !== socketVersion) {
    return worded(
      `${prefix}: ${group} is an IPv${groupVersion} group and this session\u2019s socket is IPv${socketVersion}.`,
      groupVersion === 6
        ? 'Bind the session to an IPv6 address (:: for all interfaces) to join IPv6 groups.'
        : 'Bind the session to an IPv4 address (0.0.0.0 for all interfaces) to join IPv4 groups.',
    );
  }
  switch (general.code) {
    case 'ENODEV':
      return iface
        ? worded(`${prefix}: no network interface of this computer has the address ${iface}.`, CHOOSE_INTERFACE)
        : worded(
            `${prefix}: the system found no interface to ${action} it on (no route leads to ${group}).`,
            'Give the address of the interface to use (127.0.0.1 to stay on this computer), or add a route for multicast (224.0.0.0/4) to a network interface.',
          );
    case 'EADDRNOTAVAIL':
      return action === 'leave'
        ? worded(
            `${prefix}: this session has not joined it${iface ? ' on that interface' : ''}.`,
            'Leave a group with the same interface address it was joined with.',
          )
        : worded(
            `${prefix}: the interface address ${iface ?? '(chosen by the system)'} cannot be used for it.`,
            CHOOSE_INTERFACE,
          );
    case 'EADDRINUSE':
      return worded(
        `${prefix}: this session has already joined it${iface ? ' on that interface' : ''}.`,
        'Nothing to do: the session already receives what is sent to the group.',
      );
    default:
      return worded(
        `${prefix}: ${general.message}`,
        general.hint ?? `${GROUP_RANGES} The group must be of the same IP version as the session\u2019s address.`,
      );
  }
}
