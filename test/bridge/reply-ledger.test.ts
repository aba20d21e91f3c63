import { describe, expect, it } from 'vitest';
import { ClientLedger, LEDGER_KEEP_MS, LEDGER_MAX_ANSWER_BYTES, ReplyLedger } from '../../bridge/reply-ledger';
import type { Result } from '../../shared/result';

const done = (value: unknown): Promise<Result<unknown>> => Promise.resolve({ ok: true, value });

describe('ReplyLedger', () => {
  it('runs a command once per id, and says a let-go answer was carried out instead of running it again', async () => {
    const ledger = new ClientLedger();
    let runs = 0;
    const run = () => (runs++, done(runs));
    expect(await ledger.answer(1, run)).toEqual({ ok: true, value: 1 });
    ledger.sent(1, 100);
    expect(await ledger.answer(1, run)).toEqual({ ok: true, value: 1 });
    expect(runs).toBe(1);

    // A big answer pushes the older ones out of the byte budget.
    await ledger.answer(2, run);
    ledger.sent(2, LEDGER_MAX_ANSWER_BYTES);
    const again = await ledger.answer(1, run);
    expect(again).toMatchObject({ ok: false, error: { code: 'E_ANSWER_NOT_KEPT' } });
    expect(runs).toBe(2);
  });

  it('keeps a tab that left for LEDGER_KEEP_MS, then forgets it', async () => {
    let now = 0;
    const ledger = new ReplyLedger(() => now);
    const first = ledger.attach('tab-0123456789abcdef');
    await first.answer(7, () => done('x'));
    ledger.detach(first);
    now += LEDGER_KEEP_MS - 1;
    const back = ledger.attach('tab-0123456789abcdef');
    expect(back).toBe(first);
    ledger.detach(back);
    now += LEDGER_KEEP_MS + 1;
    expect(ledger.attach('tab-0123456789abcdef')).not.toBe(first);
  });
});
