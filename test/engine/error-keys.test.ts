import { afterEach, describe, expect, it } from 'vitest';
import { wordError } from '../../shared/errors/word';
import type { SessionConfigInput } from '../../shared/contract';
import type { SockpitError } from '../../shared/result';
import { Harness } from '../helpers/harness';
import { startPeerOnFreePort, stopAll } from '../helpers/processes';

// Real errors from real sockets carry the key and parameters a reader needs to word them in Chinese.

let h: Harness;
afterEach(async () => {
  await h?.close();
  await stopAll();
});

async function failedStart(config: SessionConfigInput): Promise<SockpitError> {
  const created = await h.run({ type: 'session.create', config });
  const started = await h.engine.run({ type: 'session.start', sessionId: created.sessionId });
  if (started.ok) throw new Error('the session started although its port is taken');
  return started.error;
}

describe('engine errors carry a key and parameters', () => {
  it('a TCP server on a port a python3 tutorial server holds: port-in-use-by, naming python3 and its pid', async () => {
    h = new Harness();
    const { peer, port } = await startPeerOnFreePort('recv_print_server.py');
    const error = await failedStart({ kind: 'tcp-server', host: '127.0.0.1', port });
    expect(error.code).toBe('EADDRINUSE');
    if (process.platform !== 'linux' && process.platform !== 'darwin') return;
    expect(error.key).toBe('port-in-use-by');
    expect(error.params).toMatchObject({ port, host: '127.0.0.1', program: 'python3', pid: peer.process.pid });
    expect(error.message).toBe(
      `Port ${port} on 127.0.0.1 is already in use by ${error.params!.owner} (pid ${peer.process.pid}).`,
    );
    expect(wordError(error, 'zh-CN').message).toBe(
      `127.0.0.1 上的端口 ${port} 已被 ${error.params!.owner}（进程号 ${peer.process.pid}）占用。`,
    );
    expect(wordError(error, 'zh-CN').hint).toMatch(/^请停止 python3/);
  });

  it('a state error and a send-box error through the router', async () => {
    h = new Harness();
    const session = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const update = await h.engine.run({
      type: 'session.update',
      sessionId: session.id,
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 },
    });
    expect(!update.ok && update.error).toMatchObject({
      code: 'E_STATE',
      key: 'stop-before-update',
      message: 'Stop the session before changing its settings.',
    });
    expect(!update.ok && wordError(update.error, 'zh-CN').message).toBe('请先停止会话，再修改它的设置。');

    const sent = await h.engine.run({ type: 'send', sessionId: session.id, payload: { mode: 'hex', data: '01 0Z' } });
    expect(!sent.ok && sent.error).toMatchObject({ code: 'E_HEX', key: 'hex-invalid-char', position: 4 });
    expect(!sent.ok && wordError(sent.error, 'zh-CN').message).toBe(
      '第 1 行第 5 列（位置 4）的 "Z" 不是十六进制字符。',
    );

    const missing = await h.engine.run({ type: 'session.stop', sessionId: 'nope' });
    expect(!missing.ok && wordError(missing.error, 'zh-CN').message).toBe('没有会话“nope”。');
  });
});
