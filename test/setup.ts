import fc from 'fast-check';

// CI must be repeatable: properties run with a fixed seed there (or FC_SEED), and with fresh seeds on
// developers' machines, where a new counterexample is a find rather than a flaky build. A failure
// always prints its seed, so it can be replayed with FC_SEED=<seed>.
const fromEnv = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : undefined;
const seed = fromEnv ?? (process.env.CI ? 20261122 : undefined);
if (seed !== undefined) fc.configureGlobal({ seed });
