import type { Translate } from '../i18n';
import type { SettingsDraft } from '../state/store';
import { SelectField, TextField } from './controls';

/** TCP server and client: what to send on every new connection (text with escapes, or hex); empty for none. */
export function GreetingSetting({
  draft,
  disabled,
  t,
  onChange,
}: {
  draft: SettingsDraft;
  disabled: boolean;
  t: Translate;
  onChange: (change: Partial<SettingsDraft>) => void;
}) {
  return (
    <>
      <SelectField
        label={t('greetingMode')}
        value={draft.greetingMode}
        disabled={disabled}
        options={(['text', 'hex'] as const).map((value) => ({ value, label: t(`mode.${value}`) }))}
        onChange={(value) => onChange({ greetingMode: value })}
      />
      <TextField
        label={t('greeting')}
        value={draft.greeting}
        disabled={disabled}
        placeholder={draft.greetingMode === 'hex' ? '48 65 6C 6C 6F' : 'hello\\r\\n'}
        onChange={(value) => onChange({ greeting: value })}
      />
    </>
  );
}
