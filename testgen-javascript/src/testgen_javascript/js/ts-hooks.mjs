// Module hooks that let Node 18/20 import TypeScript: `.ts` files load from their
// type-stripped twins (same lines and columns, so coverage needs no source maps), and
// `./x.js` / extensionless specifiers fall back to `./x.ts` as TypeScript's resolver does.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

let stripped = {};
let typescriptPath = '';
let aliases = []; // tsconfig `paths`: [{ prefix, suffix, targets: [absolute template] }]
const TS_FILE = /\.(ts|mts|cts|tsx)$/;
const RESOLVE_ERRORS = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT']);

export async function initialize(data) {
  if (data && data.mapFile) {
    try {
      stripped = JSON.parse(readFileSync(data.mapFile, 'utf8'));
    } catch {
      stripped = {};
    }
  }
  typescriptPath = (data && data.typescript) || '';
  if (data && data.paths) {
    try {
      aliases = JSON.parse(readFileSync(data.paths, 'utf8'));
    } catch {
      aliases = [];
    }
  }
}

// `@/util` → `<baseUrl>/src/util` for a tsconfig `"paths": { "@/*": ["src/*"] }`.
function aliased(specifier) {
  const found = [];
  for (const { prefix, suffix, wildcard, targets } of aliases) {
    if (wildcard ? !(specifier.startsWith(prefix) && specifier.endsWith(suffix) &&
        specifier.length >= prefix.length + suffix.length) : specifier !== prefix) continue;
    const middle = wildcard ? specifier.slice(prefix.length, specifier.length - suffix.length) : '';
    for (const target of targets) found.push(pathToFileURL(target.replace('*', middle)).href);
  }
  return found;
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (!RESOLVE_ERRORS.has(error.code)) throw error;
    const local = specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:');
    const bases = local ? [specifier] : aliased(specifier);
    for (const base of bases) {
      for (const candidate of [base, ...alternatives(base)]) {
        try {
          return await nextResolve(candidate, context);
        } catch {
          // try the next spelling
        }
      }
    }
    throw error;
  }
}

function alternatives(specifier) {
  const match = specifier.match(/^(.*)\.(js|mjs|cjs|jsx)$/);
  if (match) {
    const twin = { js: 'ts', mjs: 'mts', cjs: 'cts', jsx: 'tsx' }[match[2]];
    return match[2] === 'js' ? [`${match[1]}.${twin}`, `${match[1]}.tsx`] : [`${match[1]}.${twin}`];
  }
  return ['.ts', '.tsx', '.js', '.mjs', '/index.ts', '/index.js'].map((end) => specifier + end);
}

export async function load(url, context, nextLoad) {
  const clean = url.split('?')[0];
  if (clean.startsWith('file:') && TS_FILE.test(clean)) {
    const file = fileURLToPath(clean);
    const twin = stripped[file];
    const source = twin ? readFileSync(twin, 'utf8') : transpile(file);
    return { format: 'module', source, shortCircuit: true };
  }
  return nextLoad(url, context);
}

function transpile(file) {
  if (!typescriptPath) {
    throw new Error(
      `cannot run TypeScript file ${file}: its syntax (enum, namespace or parameter properties) ` +
        'needs a compiler; install it with `npm install --save-dev typescript`',
    );
  }
  const ts = createRequire(import.meta.url)(typescriptPath);
  const result = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return result.outputText;
}
