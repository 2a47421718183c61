// Registers the TypeScript loader hooks (ts-hooks.mjs) for this Node process and its children.
// TESTGEN_TS_MAP names a JSON file mapping each TypeScript file to its type-stripped twin;
// TESTGEN_TYPESCRIPT, when set, is the project's `typescript` package for files that cannot
// be stripped (enum, namespace, parameter properties).
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url, {
  data: {
    mapFile: process.env.TESTGEN_TS_MAP || '',
    typescript: process.env.TESTGEN_TYPESCRIPT || '',
    paths: process.env.TESTGEN_TS_PATHS || '',
  },
});
