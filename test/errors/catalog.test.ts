import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, type ErrorText } from '../../shared/errors/catalog';
import { wordError, wordKey } from '../../shared/errors/word';
import { parseHex } from '../../shared/codec/hex';
import { textToBytes } from '../../shared/codec/escapes';
import { encodeText } from '../../shared/codec/text';

// The catalog is the words of every error in both languages: a key missing in one language, or a
// parameter one language names and the other does not, shows a person a hole or a raw "{port}".

const FIELD = /\{(@?)(\??)(\w+)(?:\|lc|\|trim|#hint)?(?:\?[^}]*)?\}/g;

function names(template: string | undefined): string[] {
  if (template === undefined) return [];
  return [...new Set([...template.matchAll(FIELD)].map((m) => `${m[1]}${m[3]}`))].sort();
}

const entries = Object.entries(ERROR_CATALOG) as Array<[string, { en: ErrorText; zh: ErrorText }]>;

describe('the error catalog', () => {
  it('has English and Chinese words for every key, with the same parameters in message and hint', () => {
    expect(entries.length).toBeGreaterThan(150);
    for (const [key, { en, zh }] of entries) {
      expect(en.message, key).not.toBe('');
      expect(zh.message, key).not.toBe('');
      expect(zh.hint === undefined, `${key}: a hint in one language only`).toBe(en.hint === undefined);
      expect(names(zh.message), `${key} message`).toEqual(names(en.message));
      expect(names(zh.hint), `${key} hint`).toEqual(names(en.hint));
    }
  });

  it('writes Chinese in the Chinese templates, not English left behind', () => {
    const untranslated = entries.filter(([, { zh }]) => {
      const words = `${zh.message} ${zh.hint ?? ''}`.replace(FIELD, '');
      // Entries made only of references carry no words of their own (a wrapper's hint, the raw error).
      return /[A-Za-z]{3,}/.test(words) && !/[\u4e00-\u9fff]/.test(words);
    });
    expect(untranslated.map(([key]) => key)).toEqual([]);
  });

  it('refers only to keys that exist, and leaves no field unfilled when every parameter has a value', () => {
    for (const [key, { en }] of entries) {
      const params: Record<string, string> = {};
      for (const name of [...names(en.message), ...names(en.hint)]) {
        // A reference names an entry: the op phrases, the multicast roles, or a wrapped error.
        if (name === '@op') params.op = 'op.connect.at';
        else if (name === '@action') params.action = 'mc.join';
        else if (name === '@inner') params.inner = 'connection-refused';
        else params[name.replace(/^@/, '')] = `<${name}>`;
      }
      for (const language of ['en', 'zh-CN'] as const) {
        const worded = wordKey(key, params, language)!;
        expect(`${worded.message} ${worded.hint ?? ''}`, `${key} ${language}`).not.toMatch(
          /\{@?\??\w+[^}]*\}|\[\[|\]\]/,
        );
      }
    }
  });
});

describe('wording an error', () => {
  it('a busy port held by python3, in both languages, with the host part only when there is a host', () => {
    const params = { port: 7890, host: '127.0.0.1', owner: 'python3', program: 'python3', pid: 4242 };
    expect(wordKey('port-in-use-by', params, 'en')).toEqual({
      message: 'Port 7890 on 127.0.0.1 is already in use by python3 (pid 4242).',
      hint: 'Stop python3, choose another port, or 0 to let the system pick one.',
    });
    expect(wordKey('port-in-use-by', params, 'zh-CN')).toEqual({
      message: '127.0.0.1 上的端口 7890 已被 python3（进程号 4242）占用。',
      hint: '请停止 python3，请换一个端口，或填 0 让系统自动选择。',
    });
    const { host: _host, ...noHost } = params;
    expect(wordKey('port-in-use-by', noHost, 'zh-CN')!.message).toBe('端口 7890 已被 python3（进程号 4242）占用。');
  });

  it('nests a wrapped error and an operation phrase in the reader\u2019s language', () => {
    const params = { inner: 'connection-refused', ep: '127.0.0.1:9', step: 2 };
    expect(wordKey('step-failed', params, 'en')!.message).toBe('Step 2: Nothing is listening on 127.0.0.1:9.');
    expect(wordKey('step-failed', params, 'zh-CN')).toEqual({
      message: '第 2 步：127.0.0.1:9 上没有程序在监听。',
      hint: '请先启动服务器，检查端口号，或检查是否有防火墙拒绝了连接。',
    });
    expect(wordKey('os-failed', { op: 'op.listen.at', ep: '[::1]:80', osText: 'boom' }, 'zh-CN')!.message).toBe(
      '监听 [::1]:80失败：boom。',
    );
  });

  it('keeps a parameter that contains braces as it is', () => {
    expect(wordKey('placeholder-unknown', { field: '{port}', at: 3, names: '{len}' }, 'en')!.message).toBe(
      'Unknown placeholder {port} at character 3.',
    );
  });

  it('falls back to the English message for an error without a known key', () => {
    const plain = { code: 'E_X', message: 'Something English.', hint: 'Do this.' };
    expect(wordError(plain, 'zh-CN')).toEqual({ message: 'Something English.', hint: 'Do this.' });
    expect(wordError({ ...plain, key: 'no-such-key', params: {} }, 'zh-CN').message).toBe('Something English.');
  });

  it('the send box\u2019s errors carry keys: bad hex with its position, a bad escape, an unencodable character', () => {
    const hex = parseHex('48 65 6G');
    expect(hex.ok).toBe(false);
    if (hex.ok) return;
    expect(hex.error).toMatchObject({
      key: 'hex-invalid-char',
      params: { char: '"G"', position: 7, line: 1, column: 8 },
    });
    expect(wordError(hex.error, 'zh-CN').message).toBe('第 1 行第 8 列（位置 7）的 "G" 不是十六进制字符。');
    expect(wordError(hex.error, 'en').message).toBe('Invalid hex character "G" at position 7 (line 1, column 8).');

    const escape = textToBytes('a\\q', 'utf-8', true);
    expect(!escape.ok && wordError(escape.error, 'zh-CN').message).toBe(
      '第 1 行第 2 列（位置 1）的转义“\\q”无法识别。',
    );
    const unencodable = encodeText('温度한', 'gbk');
    expect(!unencodable.ok && wordError(unencodable.error, 'zh-CN').message).toBe(
      '位置 2 的字符 "한" 无法用 GBK 编码。',
    );
  });
});
