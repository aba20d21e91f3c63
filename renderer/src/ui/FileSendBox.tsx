import { useRef } from 'react';
import type { SessionInfo } from '../../../shared/contract';
import type { Translate } from '../i18n';
import { formatBytes } from '../log/format';
import { cancelFileSend, sendFile, updateFileSend, useFileSends } from '../state/file-send';
import { TextField } from './controls';
import { errorWords } from '../error-words';

/** "Send file…", its progress and Cancel, under the message box. UDP adds the datagram size and pause. */
export function FileSendBox({ session, t }: { session: SessionInfo; t: Translate }) {
  const sessionId = session.sessionId;
  const view = useFileSends((state) => state[sessionId]);
  const picker = useRef<HTMLInputElement>(null);
  const job = view?.job;
  const sending = job?.state === 'sending';
  const udp = session.config.kind === 'udp';
  const percent = job && job.totalBytes > 0 ? Math.floor((job.sentBytes / job.totalBytes) * 100) : 100;
  const values = job && {
    name: job.name,
    sent: formatBytes(job.sentBytes),
    total: formatBytes(job.totalBytes),
    percent,
    rate: formatBytes(job.bytesPerSecond),
    reason: job.error ? errorWords(job.error).message : (job.reason ?? ''),
  };
  return (
    <div className="file-send">
      {udp && (
        <>
          <TextField
            label={t('datagramBytes')}
            value={view?.datagramBytes ?? '1472'}
            inputMode="numeric"
            width="narrow"
            disabled={sending}
            onChange={(value) => updateFileSend(sessionId, { datagramBytes: value })}
          />
          <TextField
            label={t('datagramPauseMs')}
            value={view?.pauseMs ?? '0'}
            inputMode="numeric"
            width="narrow"
            disabled={sending}
            onChange={(value) => updateFileSend(sessionId, { pauseMs: value })}
          />
        </>
      )}
      <input
        ref={picker}
        type="file"
        hidden
        onChange={(event) => {
          const file = event.target.files?.[0];
          // Cleared so picking the same file again sends it again.
          event.target.value = '';
          if (file) void sendFile(sessionId, file);
        }}
      />
      <button type="button" disabled={sending} onClick={() => picker.current?.click()}>
        {t('sendFile')}
      </button>
      {job && values && (
        <>
          <progress aria-label={t('fileSendProgress')} max={100} value={percent} />
          <span className="file-send-status" role="status">
            {t(`fileSend.${job.state}`, values)}
          </span>
        </>
      )}
      {view?.readError && (
        <span className="field-error" role="alert">
          {t('fileSend.reading', view.readError)}
        </span>
      )}
      {sending && (
        <button type="button" onClick={() => void cancelFileSend(sessionId)}>
          {t('cancelFileSend')}
        </button>
      )}
    </div>
  );
}
