// Lint for the whole tree: `npm run lint`. Syntax-only rules (no type information), so it stays fast.
// Formatting is Prettier's job (`npm run format`); nothing here is about layout.
//
// The layering is enforced here too: each folder may import only what runs where that folder runs.
// The rules are built from one table (BOUNDARIES below); test/lint/boundaries.test.ts plants a
// violation of each one and checks that it fails with the boundary's message.
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------------
// Import boundaries
//
// A relative specifier only says where it goes from the importing file, so "does ../../x leave
// shared/?" depends on how deep the file sits. Each folder's rules are therefore generated once per
// depth: a file at depth d (renderer/src/state/x.ts is at depth 3) reaches the repository root with
// exactly d `../`, and `(../){d}engine/` is the top-level engine/ folder — never a sibling folder or a
// file that merely has "engine" in its name (renderer/src/engine-status.ts). Specifiers that are not
// written in their shortest form (`../shared/../engine/x`, `./a/../b`, backslashes) are refused
// everywhere in these folders, so a path cannot dodge the patterns.
// ---------------------------------------------------------------------------------------------------

/** Deepest folder level the generated rules cover; a file deeper than this is itself an error. */
const MAX_DEPTH = 6;
const SOURCE = '{ts,tsx,mts,cts,js,jsx,mjs,cjs}';

/** Node's built-in modules, bare (`fs`, `fs/promises`) and prefixed (`node:fs`, `node:test`). */
const NODE_BUILTIN = `^(node:.*|${builtinModules.join('|')})$`;
if (!builtinModules.every((name) => /^[\w/]+$/.test(name)))
  throw new Error('a built-in module name needs escaping in NODE_BUILTIN');
const ELECTRON = '^electron(/|$)';
const REACT = '^(react|react-dom|zustand)(/|$)';
/** A relative specifier that climbs to the repository root and enters one of `folders`. */
const rootFolder = (depth, folders) => `^(\\./)?(\\.\\./){${depth}}(${folders.join('|')})(/|$)`;

const NOT_NORMALIZED = {
  regex: '\\\\|//|[^/]/\\.(/|$)|(^|/)[^/]*[^/.][^/]*/\\.\\.(/|$)|^\\./\\.\\.?(/|$)',
  message:
    'Write relative imports in their shortest form (no `./` or `../` in the middle, no backslashes): the import-boundary rules read the path as written.',
};

const WHY = {
  electronOutside:
    'Only electron/ imports electron: outside Electron, require("electron") tries to download the Electron binary, and everything else runs in plain Node or a browser.',
  electronValue:
    'Only electron/main.ts and electron/preload.ts import electron as a value: outside Electron, require("electron") tries to download the Electron binary. Use `import type { … } from "electron"` so this file stays testable in plain Node.',
  plainNodeReact: 'engine/ and stream/ are plain Node with no UI: React and zustand belong in renderer/ only.',
  engineReach:
    'engine/ is the bottom layer, run by the CLI, the browser bridge, Electron and the tests alike: it imports shared/ only, never stream/, bridge/, cli/, electron/ or renderer/ (they import it).',
  streamReach:
    'stream/ is plain Node shared by the browser bridge and Electron: it imports engine/ and shared/ only, never bridge/, cli/, electron/ or renderer/ (they import it).',
  rendererNode:
    'renderer/ is a web page (a browser tab or Electron\'s sandboxed renderer): there are no Node modules there. Ask the engine through renderer/src/link; for a browser port of a Node module import the npm package by its own path (e.g. "buffer/").',
  rendererElectron:
    "renderer/ runs in a browser or a sandboxed Electron renderer: it reaches Electron only through the preload's API (window.sockpit, via renderer/src/link), never by importing electron.",
  rendererReach:
    "renderer/ runs in another process (a browser or Electron's renderer): it talks to the engine only through renderer/src/link and shares only shared/; it never imports engine/, stream/, bridge/, cli/ or electron/.",
  sharedLibraries:
    'shared/ runs in every process — Node, the sandboxed preload and the browser renderer — so it imports only zod, iconv-lite and other shared/ files: no Node modules, no electron, no React. A new library here must run in a browser too.',
  sharedOutside:
    'shared/ runs in every process, the renderer and the preload included: it imports nothing from outside shared/.',
  frontEndReact: 'bridge/ and cli/ are plain Node with no UI: React and zustand belong in renderer/ only.',
  frontEndReach:
    'bridge/ and cli/ are plain-Node front ends beside Electron: they never import renderer/ (a web page, served as built files) or electron/ (needs the Electron runtime).',
  entryPoints:
    'electron/main.ts and electron/preload.ts are entry points, each bundled on its own: nothing imports them (main.ts imports electron as a value, and the preload is a separate sandboxed bundle).',
  preloadLibraries:
    'The preload runs sandboxed, bundled into one file: it imports only electron and shared/ — no Node modules, no libraries, no engine.',
  preloadReach:
    'The preload runs sandboxed, bundled into one file: apart from electron it imports only shared/ files (../shared/…).',
  tooDeep: `Source folders nest at most ${MAX_DEPTH} levels deep: the import-boundary rules in eslint.config.mjs are generated per depth (raise MAX_DEPTH there).`,
};

/**
 * The boundaries, one entry per folder (or file). `bare` restricts package and built-in specifiers;
 * `reach(depth)` restricts relative specifiers for a file at that depth. Later entries override earlier
 * ones for the same file (flat config), so a file entry after its folder entry replaces it.
 */
const BOUNDARIES = [
  {
    folder: 'engine',
    bare: [
      { regex: ELECTRON, message: WHY.electronOutside },
      { regex: REACT, message: WHY.plainNodeReact },
    ],
    reach: (d) => [
      { regex: rootFolder(d, ['stream', 'bridge', 'cli', 'electron', 'renderer']), message: WHY.engineReach },
    ],
  },
  {
    folder: 'stream',
    bare: [
      { regex: ELECTRON, message: WHY.electronOutside },
      { regex: REACT, message: WHY.plainNodeReact },
    ],
    reach: (d) => [{ regex: rootFolder(d, ['bridge', 'cli', 'electron', 'renderer']), message: WHY.streamReach }],
  },
  ...['bridge', 'cli'].map((folder) => ({
    folder,
    bare: [
      { regex: ELECTRON, message: WHY.electronOutside },
      { regex: REACT, message: WHY.frontEndReact },
    ],
    reach: (d) => [{ regex: rootFolder(d, ['electron', 'renderer']), message: WHY.frontEndReach }],
  })),
  {
    folder: 'renderer',
    bare: [
      { regex: NODE_BUILTIN, message: WHY.rendererNode },
      { regex: ELECTRON, message: WHY.rendererElectron },
    ],
    reach: (d) => [
      { regex: rootFolder(d, ['engine', 'stream', 'bridge', 'cli', 'electron']), message: WHY.rendererReach },
    ],
  },
  {
    folder: 'shared',
    // An allow-list: any bare specifier that is not zod or iconv-lite.
    bare: [{ regex: '^(?!\\.{1,2}(/|$))(?!(zod|iconv-lite)(/|$))', message: WHY.sharedLibraries }],
    // Climbing d times from depth d reaches the root: only `shared/` may follow.
    reach: (d) => [
      { regex: `^(\\./)?(\\.\\./){${d}}(?!shared/)|^(\\.\\./){${d - 1}}\\.\\.$`, message: WHY.sharedOutside },
    ],
  },
  {
    folder: 'electron',
    bare: [{ regex: ELECTRON, message: WHY.electronValue, allowTypeImports: true }],
    reach: (d) => [
      { regex: `^(\\./)?(\\.\\./){${d}}electron/(main|preload)(\\.ts)?$`, message: WHY.entryPoints },
      ...(d === 1 ? [{ regex: '^\\./(main|preload)(\\.ts)?$', message: WHY.entryPoints }] : []),
    ],
  },
  {
    folder: 'electron',
    files: ['electron/main.ts'],
    bare: [],
    reach: () => [{ regex: '^\\./preload(\\.ts)?$', message: WHY.entryPoints }],
  },
  {
    folder: 'electron',
    files: ['electron/preload.ts'],
    bare: [{ regex: '^(?!\\.{1,2}(/|$))(?!electron$)', message: WHY.preloadLibraries }],
    reach: () => [{ regex: '^(?!\\.\\./shared/)\\.', message: WHY.preloadReach }],
  },
];

/** Everything outside electron/ (tests, e2e, bench, scripts, root configs): no value import of electron. */
const EVERYWHERE = [{ regex: ELECTRON, message: WHY.electronOutside, allowTypeImports: true }];

/** esquery (no-restricted-syntax) takes a regex literal that cannot contain `/`. */
const esqueryRegex = (regex) => `/${regex.replaceAll('/', '\\x2F')}/iu`;

/**
 * One complete set of restriction rules for the files of one config object. Both rules take their
 * options whole (a later config object replaces, not merges), so every object carries the full list.
 * - @typescript-eslint/no-restricted-imports: import, export … from, `import x = require()`; it knows
 *   `import type`, which electron/ relies on.
 * - no-restricted-syntax: the same patterns for dynamic `import('…')` and CommonJS `require('…')`
 *   (in TypeScript, @typescript-eslint/no-require-imports refuses every require() anyway), and a
 *   computed import() in the layered folders, whose target no rule can read.
 */
function restrictions(patterns, { layered }) {
  const syntax = patterns.flatMap(({ regex, message }) => [
    { selector: `ImportExpression[source.value=${esqueryRegex(regex)}]`, message },
    {
      selector: `CallExpression[callee.type='Identifier'][callee.name='require'][arguments.0.value=${esqueryRegex(regex)}]`,
      message,
    },
  ]);
  if (layered) {
    syntax.push({
      selector: "ImportExpression:not([source.type='Literal'])",
      message:
        'import() with a computed specifier hides what it loads from the import-boundary rules: import a fixed path.',
    });
  }
  return {
    'no-restricted-imports': 'off',
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: patterns.map(({ regex, message, allowTypeImports }) => ({
          regex,
          message,
          ...(allowTypeImports ? { allowTypeImports } : {}),
        })),
      },
    ],
    'no-restricted-syntax': ['error', ...syntax],
  };
}

function boundaryConfigs() {
  const configs = [{ name: 'sockpit/boundaries/everywhere', rules: restrictions(EVERYWHERE, { layered: false }) }];
  for (const boundary of BOUNDARIES) {
    const depths = boundary.files
      ? [boundary.files[0].split('/').length - 1]
      : Array.from({ length: MAX_DEPTH }, (_, i) => i + 1);
    for (const depth of depths) {
      const files = boundary.files ?? [`${boundary.folder}/${'*/'.repeat(depth - 1)}*.${SOURCE}`];
      configs.push({
        name: `sockpit/boundaries/${boundary.files ? boundary.files.join(',') : `${boundary.folder}@${depth}`}`,
        files,
        rules: restrictions([NOT_NORMALIZED, ...boundary.bare, ...boundary.reach(depth)], { layered: true }),
      });
    }
    if (!boundary.files) {
      configs.push({
        name: `sockpit/boundaries/${boundary.folder}@deeper`,
        files: [`${boundary.folder}/${'*/'.repeat(MAX_DEPTH)}**/*.${SOURCE}`],
        rules: { 'no-restricted-syntax': ['error', { selector: 'Program', message: WHY.tooDeep }] },
      });
    }
  }
  return configs;
}

export default defineConfig(
  {
    ignores: ['out/', 'dist/', 'coverage/', 'test-results/', 'playwright-report/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: 'sockpit/all',
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // An unused name is a mistake; a leading underscore says "unused on purpose" (a callback's
      // position, a destructured remainder), as tsconfig's noUnusedParameters already accepts.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
      // `import { type X } from 'electron'` leaves `import 'electron'` behind under verbatimModuleSyntax;
      // write `import type { X }` so a type-only import is type-only whatever the compiler settings.
      '@typescript-eslint/no-import-type-side-effects': 'error',
      // `let x; … callback uses x …; x = new Thing(callback)`: the callback needs the object that holds
      // it, and a const could not be named before it exists. Other single assignments must be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Sockpit shows and escapes control characters on purpose (the log, the CLI's terminal output).
      'no-control-regex': 'off',
    },
  },
  {
    name: 'sockpit/commonjs',
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    // CommonJS scripts (bin/, scripts/) load modules with require(); that is their import.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    name: 'sockpit/node-modules-scripts',
    // ES-module build scripts (scripts/*.mjs) and root configs run in Node too.
    files: ['**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    name: 'sockpit/tests',
    files: ['test/**', 'e2e/**'],
    rules: {
      // Tests load CommonJS helpers from scripts/ (no type declarations), and vi.hoisted() code runs
      // before any import, so require() is how they get a module there.
      '@typescript-eslint/no-require-imports': 'off',
      // Expected output is matched literally; two spaces of indentation are clearer as two spaces.
      'no-regex-spaces': 'off',
    },
  },
  {
    name: 'sockpit/e2e/fixtures',
    files: ['e2e/**'],
    // Playwright reads a fixture's first parameter as a destructuring pattern: `async ({}, use) =>` is its API.
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    name: 'sockpit/renderer/react-hooks',
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    // The two classic hook rules. The plugin's React Compiler rules (refs, immutability, purity, …) are
    // left out: Sockpit does not use the compiler, the virtual log reads refs during render on purpose,
    // and they would double the time the lint takes.
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  ...boundaryConfigs(),
);
