import { isIP } from 'node:net';
import type { ErrorKey } from '../shared/errors/catalog';
import { keyedError, wrappedError } from '../shared/errors/word';
import type { ErrorParams, SockpitError } from '../shared/result';
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

export function explainMulticastError(err: unknown, attempt: MulticastAttempt): SockpitError {
  const { action, group, iface, socketFamily } = attempt;
  const general = explainError(err, { op: 'multicast', host: group, iface, protocol: 'UDP' });
  const groupVersion = versionOf(group);
  const ifaceVersion = iface ? versionOf(iface) : undefined;
  const socketVersion: Version = socketFamily === 'udp6' ? 6 : 4;
  // {@action} words "Could not join the multicast group G on the interface I" in the reader's language.
  const roles: ErrorParams = { action: `mc.${action}`, group, ...(iface ? { iface } : {}) };
  const { code: _code, message: _message, hint: _hint, key: _key, params: _params, ...rest } = general;
  const worded = (key: ErrorKey, more: ErrorParams = {}): SockpitError =>
    keyedError(general.code, key, { ...roles, ...more }, rest);

  if (!isMulticastAddress(group)) return worded('mc-not-multicast');
  if (iface && ifaceVersion && groupVersion && ifaceVersion !== groupVersion) {
    return worded('mc-family-mismatch', { ifaceVersion, groupVersion });
  }
  if (groupVersion && groupVersion !== socketVersion) {
    return worded(groupVersion === 6 ? 'mc-socket-ipv4' : 'mc-socket-ipv6');
  }
  switch (general.code) {
    case 'ENODEV':
      if (iface) return worded('mc-no-such-interface');
      return worded(action === 'join' ? 'mc-no-route-join' : 'mc-no-route-leave');
    case 'EADDRNOTAVAIL':
      return worded(action === 'leave' ? 'mc-not-joined' : 'mc-interface-unusable');
    case 'EADDRINUSE':
      return worded('mc-already-joined');
    default:
      return {
        ...wrappedError(general.hint ? 'mc-other' : 'mc-other-unhinted', roles, general),
        code: general.code,
      };
  }
}
