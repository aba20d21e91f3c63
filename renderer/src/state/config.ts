import type { z } from 'zod';
import { hostError, SessionConfig, type SendPayloadInput, type SessionConfigInput } from '../../../shared/contract';
import type { ErrorKey } from '../../../shared/errors/catalog';
import { translate } from '../i18n';
import type { MessageKey } from '../words';
import { ok, type ErrorParams, type Result, type SockpitError } from '../../../shared/result';
import { defaultDraft, useApp, type SettingsDraft } from './store';

/** The field a person fixes for each part of the config, so an error can name what they see. */
export const FIELD_OF: Record<string, string> = {
  host: 'localHost',
  port: 'localPort',
  localHost: 'localHost',
  localPort: 'localPort',
  remoteHost: 'remoteHost',
  remotePort: 'remotePort',
  maxClients: 'maxClients',
  idleTimeoutMs: 'idleTimeoutSec',
  connectTimeoutMs: 'connectTimeoutMs',
  reconnect: 'reconnectIntervalMs',
  greeting: 'greeting',
  ttl: 'ttl',
  multicastTtl: 'multicastTtl',
  maxClientsPerIp: 'maxClientsPerIp',
  shortIdleMs: 'shortIdleMs',
  shortTimeoutMs: 'shortTimeoutMs',
  recvBufferBytes: 'recvBufferKiB',
  captureCapBytes: 'captureCapMiB',
};

const MIB = 1024 * 1024;

function number(text: string): number {
  const trimmed = text.trim();
  // An empty box is not zero; Number('') would say it is.
  return trimmed === '' ? Number.NaN : Number(trimmed);
}

function optionalNumber(text: string): number | undefined {
  return text.trim() === '' ? undefined : number(text);
}

function optionalText(text: string): string | undefined {
  return text.trim() === '' ? undefined : text.trim();
}

/** The greeting box as a payload: text with escapes (so \r\n can be typed) or hex; empty means none. */
function greetingFromDraft(draft: SettingsDraft): SendPayloadInput | undefined {
  if (draft.greeting === '') return undefined;
  return { mode: draft.greetingMode, data: draft.greeting, escapes: draft.greetingMode === 'text' };
}

/** The settings bar, checked by the same schema the engine uses; the error names the field. */
export function configFromDraft(draft: SettingsDraft): Result<SessionConfig> & { field?: string } {
  let input: SessionConfigInput;
  const cap = draft.captureCapMiB.trim() === '' ? undefined : Math.round(number(draft.captureCapMiB) * MIB);
  switch (draft.kind) {
    case 'tcp-server':
      input = {
        kind: 'tcp-server',
        host: draft.localHost.trim() || '0.0.0.0',
        port: number(draft.localPort),
        maxClients: optionalNumber(draft.maxClients),
        maxClientsPerIp: optionalNumber(draft.maxClientsPerIp),
        idleTimeoutMs: draft.idleTimeoutSec.trim() === '' ? undefined : number(draft.idleTimeoutSec) * 1000,
        allowHalfOpen: draft.allowHalfOpen,
        noDelay: draft.noDelay,
        echo: draft.echo,
        greeting: greetingFromDraft(draft),
        captureCapBytes: cap,
      };
      break;
    case 'tcp-client':
      input = {
        kind: 'tcp-client',
        host: draft.remoteHost.trim(),
        port: number(draft.remotePort),
        localHost: optionalText(draft.localHost),
        localPort: optionalNumber(draft.localPort),
        connectTimeoutMs: number(draft.connectTimeoutMs),
        keepAlive: draft.keepAlive,
        noDelay: draft.noDelay,
        allowHalfOpen: draft.allowHalfOpen,
        reconnect: draft.reconnect ? { intervalMs: number(draft.reconnectIntervalMs) } : undefined,
        mode: draft.clientMode,
        shortIdleMs: number(draft.shortIdleMs),
        shortTimeoutMs: number(draft.shortTimeoutMs),
        echo: draft.echo,
        greeting: greetingFromDraft(draft),
        captureCapBytes: cap,
      };
      break;
    case 'udp':
      input = {
        kind: 'udp',
        host: draft.localHost.trim() || '0.0.0.0',
        port: draft.localPort.trim() === '' ? 0 : number(draft.localPort),
        remoteHost: optionalText(draft.remoteHost),
        remotePort: optionalNumber(draft.remotePort),
        broadcast: draft.broadcast,
        ttl: optionalNumber(draft.ttl),
        multicastTtl: optionalNumber(draft.multicastTtl),
        multicastLoopback: draft.multicastLoopback,
        reuseAddr: draft.reuseAddr,
        recvBufferBytes: draft.recvBufferKiB.trim() === '' ? undefined : Math.round(number(draft.recvBufferKiB) * 1024),
        echo: draft.echo,
        captureCapBytes: cap,
      };
      break;
  }
  const parsed = SessionConfig.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  const key = String(issue.path[0] ?? '');
  const field = FIELD_OF[key];
  const value = (input as Record<string, unknown>)[key];
  return { ok: false, error: issueError(issue, key, value, draft.kind), field };
}

/** The label a person sees for each config field, to name it in a message in their language. */
const LABEL_OF: Record<string, MessageKey> = {
  host: 'localAddress',
  port: 'localPort',
  localHost: 'localAddress',
  localPort: 'localPort',
  remoteHost: 'remoteHost',
  remotePort: 'remotePort',
  maxClients: 'maxClients',
  maxClientsPerIp: 'maxClientsPerIp',
  idleTimeoutMs: 'idleTimeout',
  connectTimeoutMs: 'connectTimeout',
  reconnect: 'reconnectInterval',
  ttl: 'ttl',
  multicastTtl: 'multicastTtl',
  shortIdleMs: 'shortIdle',
  shortTimeoutMs: 'shortTimeout',
  recvBufferBytes: 'recvBuffer',
  captureCapBytes: 'captureCap',
};

/**
 * The schema's English sentence, with a catalog key so the other language has words too: ports and hosts
 * get their own sentences, other numbers say which field and what bound.
 */
function issueError(issue: z.core.$ZodIssue, key: string, value: unknown, kind: SettingsDraft['kind']): SockpitError {
  const english: SockpitError = { code: 'E_VALIDATION', message: issue.message };
  // A client's host and port are where it connects to: port 0 is no place to go.
  const remote = key === 'remotePort' || (key === 'port' && kind === 'tcp-client');
  const keyed = (catalogKey: ErrorKey, params: ErrorParams = {}): SockpitError => ({
    ...english,
    key: catalogKey,
    params,
  });
  if ((key === 'host' || key === 'localHost' || key === 'remoteHost') && typeof value === 'string') {
    const problem = hostError(value);
    return problem ? { ...english, key: problem.key, params: problem.params } : english;
  }
  if (key === 'port' || key === 'localPort' || key === 'remotePort') {
    if (issue.code === 'too_big') return keyed('port-too-big');
    if (issue.code === 'too_small') return keyed(remote ? 'remote-port-zero' : 'local-port-negative');
    return keyed(remote ? 'remote-port-invalid' : 'local-port-invalid');
  }
  const label = LABEL_OF[key];
  if (!label) return english;
  const field = translate(useApp.getState().language, label);
  if (issue.code === 'too_small') return keyed('field-min', { field, min: Number(issue.minimum) });
  if (issue.code === 'too_big') return keyed('field-max', { field, max: Number(issue.maximum) });
  if (issue.code === 'invalid_type') {
    return keyed(Number.isNaN(value) || typeof value !== 'number' ? 'field-number' : 'field-whole', { field });
  }
  return english;
}

/** What a box shows for an optional number: nothing when it is not set. */
function fieldText(value: number | undefined): string {
  return value === undefined ? '' : String(value);
}

export function draftFromConfig(config: SessionConfig): SettingsDraft {
  const draft = {
    ...defaultDraft(config.kind),
    captureCapMiB: String(+(config.captureCapBytes / MIB).toFixed(3)),
    echo: config.echo,
    ...(config.kind !== 'udp' && config.greeting
      ? { greeting: config.greeting.data, greetingMode: config.greeting.mode }
      : {}),
  };
  switch (config.kind) {
    case 'tcp-server':
      return {
        ...draft,
        localHost: config.host,
        localPort: String(config.port),
        maxClients: fieldText(config.maxClients),
        maxClientsPerIp: fieldText(config.maxClientsPerIp),
        idleTimeoutSec: config.idleTimeoutMs === undefined ? '' : String(config.idleTimeoutMs / 1000),
        allowHalfOpen: config.allowHalfOpen,
        noDelay: config.noDelay,
      };
    case 'tcp-client':
      return {
        ...draft,
        remoteHost: config.host,
        remotePort: String(config.port),
        localHost: config.localHost ?? '',
        localPort: fieldText(config.localPort),
        connectTimeoutMs: String(config.connectTimeoutMs),
        keepAlive: config.keepAlive,
        noDelay: config.noDelay,
        allowHalfOpen: config.allowHalfOpen,
        reconnect: config.reconnect !== undefined,
        reconnectIntervalMs: String(config.reconnect?.intervalMs ?? 2000),
        clientMode: config.mode,
        shortIdleMs: String(config.shortIdleMs),
        shortTimeoutMs: String(config.shortTimeoutMs),
      };
    case 'udp':
      return {
        ...draft,
        localHost: config.host,
        localPort: String(config.port),
        remoteHost: config.remoteHost ?? '',
        remotePort: fieldText(config.remotePort),
        broadcast: config.broadcast,
        ttl: fieldText(config.ttl),
        multicastTtl: fieldText(config.multicastTtl),
        multicastLoopback: config.multicastLoopback ?? true,
        reuseAddr: config.reuseAddr,
        recvBufferKiB: String(Math.round(config.recvBufferBytes / 1024)),
      };
  }
}
