import { z } from 'zod';
import { Checksum, Encoding, LineEnding, MAX_SEND_INPUT_CHARS, SendMode } from './fields';
import { SendFields } from './send-payload';

// Saved messages (presets) and the send history: what the renderer keeps between runs and what a presets
// file holds. Declared here so the file a person imports is checked by the same rules everywhere.
//
// A presets file (export and import), JSON in UTF-8:
//   { "format": "sockpit-presets", "version": 1,
//     "presets": [ { "name": "Ping", "scope": "global" | "session",
//                    "message": { "text": "PING", "mode": "text" | "hex", "encoding": "utf-8", "escapes": false,
//                                 "lineEnding": "none" | "cr" | "lf" | "crlf", "checksum": "none" | …,
//                                 …any other option the send box has, kept as it is } } ] }
// "session" presets belong to the session they are imported into.

export const PRESETS_FILE_FORMAT = 'sockpit-presets';
export const PRESETS_FILE_VERSION = 1;
/** A file with more presets than this is refused rather than half imported. */
export const MAX_PRESETS = 1000;
export const MAX_PRESET_NAME_CHARS = 200;

/**
 * A message with every option of the send box. The options every send has are checked; options the send box
 * gains later are kept as they are, so a preset saved today keeps them.
 */
export const SavedMessage = z.looseObject({
  text: z
    .string({ error: 'The message text must be a string.' })
    .max(MAX_SEND_INPUT_CHARS, `A message can be at most ${MAX_SEND_INPUT_CHARS / (1024 * 1024)} Mi characters.`),
  mode: SendMode,
  encoding: Encoding,
  escapes: z.boolean({ error: '"escapes" must be true or false.' }),
  lineEnding: LineEnding,
  checksum: Checksum,
  /** The send-time field settings, kept with a message whose text has a placeholder such as {counter}. */
  fields: SendFields.optional(),
});
export type SavedMessage = z.infer<typeof SavedMessage>;

export const PresetName = z
  .string({ error: 'A preset needs a name.' })
  .trim()
  .min(1, 'A preset needs a name.')
  .max(MAX_PRESET_NAME_CHARS, `A preset name can be at most ${MAX_PRESET_NAME_CHARS} characters.`);

export const PresetScope = z.enum(['global', 'session'], {
  error: 'A preset\'s scope is "global" (every session) or "session" (the session it is imported into).',
});
export type PresetScope = z.infer<typeof PresetScope>;

export const PresetsFile = z.strictObject({
  format: z.literal(PRESETS_FILE_FORMAT, {
    error: `This is not a Sockpit presets file: "format" must be "${PRESETS_FILE_FORMAT}".`,
  }),
  version: z.literal(PRESETS_FILE_VERSION, {
    error: `This presets file is of a version this Sockpit does not read (it reads version ${PRESETS_FILE_VERSION}).`,
  }),
  presets: z
    .array(z.strictObject({ name: PresetName, scope: PresetScope.default('global'), message: SavedMessage }))
    .max(MAX_PRESETS, `A presets file can hold at most ${MAX_PRESETS} presets.`),
});
export type PresetsFile = z.infer<typeof PresetsFile>;

/** How the renderer keeps presets between runs (localStorage). `sessionId` null: shown in every session. */
export const StoredPresets = z.strictObject({
  version: z.literal(1),
  presets: z.array(
    z.strictObject({
      id: z.string().min(1).max(64),
      name: PresetName,
      sessionId: z.string().max(64).nullable(),
      message: SavedMessage,
    }),
  ),
});
export type StoredPresets = z.infer<typeof StoredPresets>;

/** Sent messages, newest first. */
export const StoredHistory = z.strictObject({
  version: z.literal(1),
  entries: z.array(z.strictObject({ message: SavedMessage, sentAt: z.number() })),
});
export type StoredHistory = z.infer<typeof StoredHistory>;
