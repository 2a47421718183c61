// Calls the exported functions of one module on planned inputs and records what happens.
//
// Usage: node probe-harness.mjs PLAN.json
// The plan names the module, how to load it (ESM import or CommonJS require), the limits and
// the calls. It speaks the protocol of testgen.kit.probehost: every record is appended to
// plan.output as one JSON line the moment it is known ("start" before a call, "result" after
// it, "fatal" when the module does not load), so a call that never returns (an infinite loop,
// killed by the sandbox) still leaves the records of the calls before it, and a "start"
// record naming the call that hung.
import { openSync, readFileSync, writeSync } from 'node:fs';
import inspector from 'node:inspector';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = openSync(plan.output, 'a');
const emit = (record) => writeSync(out, `${JSON.stringify(record)}\n`);
const realExit = process.exit.bind(process);

class ProcessExit extends Error {
  constructor(code) {
    super(`the code called process.exit(${code === undefined ? '' : code})`);
    this.name = 'ProcessExit';
  }
}
// Code under test must not end the harness: process.exit becomes an error we can report.
process.exit = (code) => {
  throw new ProcessExit(code);
};
process.abort = () => {
  throw new ProcessExit('abort');
};
process.on('uncaughtException', (error) => emit({ event: 'uncaught', error: describeError(error) }));
process.on('unhandledRejection', () => {});

const TIMEOUT = Symbol('timeout');
const MAX_LITERAL = 800;
const MAX_ITEMS = 50;

// ---------------------------------------------------------------- coverage per call

const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
const targetUrl = pathToFileURL(plan.module).href;

function takeCoverage() {
  let result = null;
  session.post('Profiler.takePreciseCoverage', (error, value) => {
    result = error ? null : value;
  });
  if (!result) return [];
  const ranges = [];
  for (const script of result.result) {
    if (script.url !== targetUrl && script.url !== plan.module) continue;
    for (const fn of script.functions) {
      for (const r of fn.ranges) ranges.push([r.startOffset, r.endOffset, r.count]);
    }
  }
  return ranges;
}

// ---------------------------------------------------------------- rendering values

class Unrenderable extends Error {}

function quote(text) {
  const body = JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${body}'`;
}

function key(name) {
  if (name === '__proto__') return `['__proto__']`; // a plain key, not the prototype
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

function literal(value, state, depth = 0) {
  if (depth > 6) throw new Unrenderable('nested too deeply');
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'boolean':
      return String(value);
    case 'number':
      if (Object.is(value, -0)) return '-0';
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'string':
      return quote(value);
    case 'symbol':
      throw new Unrenderable('a symbol');
    case 'function':
      throw new Unrenderable('a function');
    default:
      break;
  }
  if (value === null) return 'null';
  if (state.seen.has(value)) throw new Unrenderable('a circular structure');
  state.seen.add(value);
  try {
    if (Array.isArray(value)) {
      if (value.length > MAX_ITEMS) throw new Unrenderable('a large array');
      return `[${Array.from(value, (item) => literal(item, state, depth + 1)).join(', ')}]`;
    }
    if (value instanceof Date) {
      return Number.isNaN(value.getTime()) ? 'new Date(NaN)' : `new Date(${quote(value.toISOString())})`;
    }
    if (value instanceof RegExp) return String(value);
    if (value instanceof Map) {
      const entries = [...value].map(([k, v]) => `[${literal(k, state, depth + 1)}, ${literal(v, state, depth + 1)}]`);
      return `new Map([${entries.join(', ')}])`;
    }
    if (value instanceof Set) {
      return `new Set([${[...value].map((v) => literal(v, state, depth + 1)).join(', ')}])`;
    }
    if (value instanceof Error) throw new Unrenderable('an Error object');
    if (typeof value.then === 'function') throw new Unrenderable('a promise');
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) throw new Unrenderable('binary data');
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (proto && proto.constructor && proto.constructor.name) || 'anonymous class';
      if (depth > 0) state.nestedInstance = true;
      else state.instance = name;
      if (Object.keys(value).length === 0) throw new Unrenderable(`a ${name} without own fields`);
    }
    const parts = Object.keys(value).map((k) => `${key(k)}: ${literal(value[k], state, depth + 1)}`);
    // A dictionary made with Object.create(null): a strict deep equality tells it from `{}`.
    if (proto === null) parts.unshift('__proto__: null');
    return parts.length ? `{ ${parts.join(', ')} }` : '{}';
  } finally {
    state.seen.delete(value);
  }
}

function render(value) {
  const state = { seen: new Set(), instance: null, nestedInstance: false };
  try {
    const text = literal(value, state);
    if (text.length > MAX_LITERAL) return { value: null, renderable: false, why: 'value too large to pin' };
    return { value: text, renderable: true, type: typeOf(value), instance: state.instance, nested_instance: state.nestedInstance };
  } catch (error) {
    if (error instanceof Unrenderable) return { value: null, renderable: false, why: `returns ${error.message}`, type: typeOf(value) };
    return { value: null, renderable: false, why: `cannot inspect the value: ${error && error.message}` };
  }
}

function typeOf(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function describeError(error) {
  if (error instanceof Error || (error && typeof error === 'object' && 'message' in error)) {
    const ctor = error.constructor && error.constructor.name;
    return { name: String(error.name || ctor || 'Error'), ctor: ctor || 'Error', message: String(error.message ?? ''), code: error.code === undefined ? null : String(error.code), is_error: error instanceof Error };
  }
  const shown = render(error);
  return { name: null, ctor: null, message: null, thrown: shown.value, is_error: false };
}

// ---------------------------------------------------------------- calling

function evaluate(source) {
  return (0, eval)(`(${source})`);
}

function exported(mod, access) {
  if (access.kind === 'cjs-default') return mod;
  if (access.kind === 'default') return mod && 'default' in mod ? mod.default : undefined;
  if (access.kind === 'cjs' && !(access.name in mod) && mod.default) return mod.default[access.name];
  return mod[access.name];
}

function settle(promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(TIMEOUT), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function collect(iterator) {
  const items = [];
  if (iterator && typeof iterator[Symbol.asyncIterator] === 'function') {
    for await (const item of iterator) {
      items.push(item);
      if (items.length > MAX_ITEMS) throw new Unrenderable('an endless sequence');
    }
    return items;
  }
  for (const item of iterator) {
    items.push(item);
    if (items.length > MAX_ITEMS) throw new Unrenderable('an endless sequence');
  }
  return items;
}

// ---------------------------------------------------------------- receivers
//
// A method's instance comes from one of the recipes the plan lists for it (the constructor or
// a static factory, on inputs). Those that give an instance of the class are kept, in order,
// once per method; a call names the n-th of them, and its record says which recipe that was.

const recipes = plan.receivers || {};
const working = new Map();

function build(subject, recipe) {
  const args = evaluate(`[${recipe.args}]`);
  return recipe.factory ? subject[recipe.factory](...args) : new subject(...args);
}

function workingReceivers(subject, key) {
  if (!working.has(key)) {
    const found = [];
    let failure = null;
    (recipes[key] || []).forEach((recipe, index) => {
      try {
        if (build(subject, recipe) instanceof subject) found.push(index);
        else failure = failure || `${recipe.factory} did not return an instance`;
      } catch (error) {
        if (error instanceof ProcessExit) throw error;
        failure = failure || `${describeError(error).name}: ${describeError(error).message}`;
      }
    });
    working.set(key, { found, failure: failure || 'no way to build the instance' });
  }
  return working.get(key);
}

async function perform(mod, call) {
  let args;
  let self;
  let target;
  let receiver;
  try {
    args = evaluate(`[${call.args}]`);
  } catch (error) {
    return { outcome: 'skipped', reason: `inputs do not evaluate: ${error.message}` };
  }
  try {
    const subject = exported(mod, call.access);
    if (subject === undefined) return { outcome: 'skipped', reason: `${call.access.name} is not exported at run time` };
    if (call.method && call.static) {
      self = subject;
      target = subject[call.method];
    } else if (call.method) {
      const { found, failure } = workingReceivers(subject, call.key);
      receiver = found[call.receiver || 0];
      if (receiver === undefined) {
        if (call.receiver) return { outcome: 'skipped', reason: 'no other receiver to call it on', unbuilt: true };
        return { outcome: 'skipped', reason: `setup failed: ${failure}` };
      }
      self = build(subject, recipes[call.key][receiver]);
      for (const step of call.steps || []) {
        self[step.method](...evaluate(`[${step.args}]`));
      }
      target = self[call.method];
    } else {
      target = subject;
    }
  } catch (error) {
    if (error instanceof ProcessExit) return { outcome: 'crash', reason: error.message };
    return { outcome: 'skipped', reason: `setup failed: ${describeError(error).name}: ${describeError(error).message}` };
  }
  // Lines run by the setup (constructor, earlier steps) are not this call's coverage.
  if (call.method) takeCoverage();
  let isAsync = false;
  try {
    let value = call.construct ? new target(...args) : target.apply(self, args);
    if (value && typeof value.then === 'function') {
      isAsync = true;
      value = await settle(value, plan.limits.call_ms);
    }
    if (call.generator) value = await collect(value);
    const record = { outcome: 'return', async: isAsync, ...render(value), raw: value, receiver };
    if (call.method && !call.static) record.state = render({ ...self });
    const mutated = changedArguments(args, call.args);
    if (mutated) record.mutated = mutated;
    return record;
  } catch (error) {
    if (error === TIMEOUT) return { outcome: 'timeout', async: true, reason: `the promise did not settle within ${plan.limits.call_ms} ms` };
    if (error instanceof ProcessExit) return { outcome: 'crash', reason: error.message };
    if (error instanceof Unrenderable) return { outcome: 'return', async: isAsync, value: null, renderable: false, why: `returns ${error.message}`, receiver };
    return { outcome: 'raise', async: isAsync, error: describeError(error), receiver };
  }
}

// Arguments the call changed in place (a `keys` array it pushed to, an object it filled),
// as literals of what they hold after it: a test can check them too.
function changedArguments(args, source) {
  let original;
  try {
    original = evaluate(`[${source}]`);
  } catch {
    return null;
  }
  const changed = {};
  args.forEach((arg, index) => {
    if (!arg || typeof arg !== 'object') return;
    const after = render(arg);
    const before = render(original[index]);
    if (after.renderable && !after.instance && !after.nested_instance && after.value !== before.value) {
      changed[index] = after.value;
    }
  });
  return Object.keys(changed).length ? changed : null;
}

function same(a, b) {
  return JSON.stringify([a.outcome, a.value, a.error, a.state && a.state.value, a.mutated]) ===
    JSON.stringify([b.outcome, b.value, b.error, b.state && b.state.value, b.mutated]);
}

// ---------------------------------------------------------------- produced inputs
//
// Every short string a definition returns is kept, by definition, for the plan's "produced"
// calls: another definition called on it (a parser on what the module formats). When the two
// are inverses by name and the producer took one argument, the trip must come back.

const MAX_PRODUCED = 300;
const producedBy = new Map();

function keep(call, first) {
  const value = first.raw;
  if (typeof value !== 'string' || !value.length || value.length > MAX_PRODUCED || !first.renderable) return;
  const kept = producedBy.get(call.key) || [];
  if (kept.some((entry) => entry.value === value)) return;
  let argc = 0;
  try {
    argc = evaluate(`[${call.args}]`).length;
  } catch {
    return;
  }
  const plain = !call.method && !call.construct;
  kept.push({ value, literal: first.value, args: call.args, argc, access: call.access, plain });
  producedBy.set(call.key, kept);
}

function withProduced(call) {
  const entry = (producedBy.get(call.produced.from) || [])[call.produced.index];
  if (!entry) return null;
  const rest = call.args.split(',').slice(1).join(',');
  return { call: { ...call, args: rest.trim() ? `${entry.literal},${rest}` : entry.literal }, entry };
}

function outcomeText(result) {
  if (result.outcome === 'raise') return `throws ${result.error.name}: ${result.error.message}`;
  return result.value === null ? '(a value that cannot be written)' : result.value;
}

function roundTrip(mod, entry, first) {
  const through = `${entry.access.name}(${entry.args})`;
  if (first.outcome === 'raise') {
    return { through, original: entry.args, back: outcomeText(first), again: '', again_gives: '' };
  }
  if (first.outcome !== 'return' || !first.renderable) return null;
  const original = render(evaluate(`[${entry.args}]`)[0]);
  if (original.renderable && original.value === first.value) return null;
  let again;
  try {
    again = render(exported(mod, entry.access)(first.raw));
    again.outcome = 'return';
  } catch (error) {
    again = { outcome: 'raise', error: describeError(error) };
  }
  if (again.outcome === 'return' && again.value === entry.literal) return null;
  return { through, original: entry.args, back: first.value, again: `${entry.access.name}(${first.value})`, again_gives: outcomeText(again) };
}

async function main() {
  let mod;
  try {
    mod = plan.kind === 'cjs' ? createRequire(import.meta.url)(plan.module) : await import(targetUrl);
  } catch (error) {
    const { name, message } = describeError(error);
    emit({ event: 'fatal', reason: `importing the module failed: ${name}: ${message}`.slice(0, 400) });
    return;
  }
  emit({ event: 'loaded', ranges: takeCoverage() });
  for (const planned of plan.calls) {
    emit({ event: 'start', id: planned.id });
    let call = planned;
    let entry = null;
    if (planned.produced) {
      const filled = withProduced(planned);
      if (!filled) {
        emit({ event: 'result', id: planned.id, outcome: 'skipped', reason: 'no produced value for this slot', ranges: [] });
        continue;
      }
      ({ call, entry } = filled);
    }
    const first = await perform(mod, call);
    const ranges = takeCoverage();
    let deterministic = true;
    if (first.outcome === 'return' || first.outcome === 'raise') {
      deterministic = same(first, await perform(mod, call));
      takeCoverage();
    }
    if (deterministic && first.outcome === 'return' && !call.produced) keep(call, first);
    const record = { event: 'result', id: planned.id, ...first, deterministic, ranges };
    if (entry) {
      record.produced_arg = entry.literal;
      if (deterministic && call.produced.paired && entry.plain && entry.argc === 1) {
        const trip = roundTrip(mod, entry, first);
        takeCoverage();
        if (trip) record.round_trip = trip;
      }
    }
    delete record.raw;
    emit(record);
  }
}

try {
  await main();
} catch (error) {
  emit({ event: 'harness-error', error: describeError(error) });
}
emit({ event: 'done' });
realExit(0);
