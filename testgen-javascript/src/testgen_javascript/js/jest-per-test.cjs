// Per-test coverage under jest with its babel (istanbul) provider: the instrumented code
// counts into `__coverage__` in the test file's own realm, so the statements whose counters
// rose between a test's start and end are that test's. Each test appends
// `{file, test, lines: {path: [line, ...]}}` to $TESTGEN_PER_TEST_DIR/<pid>.jsonl; what ran
// before the first test (the test file's imports) is written with `test: null`. A test that
// ran code instrumented after another transform (statement map not in source lines) is
// written with `lines: null`, and keeps the per-file rule.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

// jest answers `@jest/globals` itself, from any path, also with `injectGlobals: false`.
const { afterEach, beforeEach, expect } = require('@jest/globals');

const outDir = process.env.TESTGEN_PER_TEST_DIR || '';
const out = outDir ? path.join(outDir, `${process.pid}.jsonl`) : '';
let before = counters(); // before the test file is imported
let started = false;

function counters() {
  const found = new Map();
  const data = globalThis.__coverage__ || {};
  for (const key of Object.keys(data)) found.set(key, { ...data[key].s });
  return found;
}

function diff() {
  const data = globalThis.__coverage__ || {};
  const lines = {};
  for (const key of Object.keys(data)) {
    const entry = data[key];
    const old = before.get(key) || {};
    const hit = new Set();
    for (const [id, count] of Object.entries(entry.s)) {
      if (count > (old[id] || 0)) hit.add(entry.statementMap[id].start.line);
    }
    if (!hit.size) continue;
    if (entry.inputSourceMap) return null;
    lines[entry.path || key] = [...hit];
  }
  return lines;
}

function write(test) {
  if (!out) return;
  try {
    const record = { file: expect.getState().testPath, test, lines: diff() };
    fs.appendFileSync(out, `${JSON.stringify(record)}\n`);
  } catch (error) {
    // Coverage is best effort: a full disk must not fail the user's test.
  }
}

beforeEach(() => {
  if (!started) {
    started = true;
    write(null);
  }
  before = counters();
});

// jest-circus keeps the running test in its state: its describe titles, as the JSON report
// lists them (`currentTestName` joins them with spaces, which can be ambiguous).
function titles() {
  const symbol = Object.getOwnPropertySymbols(globalThis)
    .find((sym) => sym.description === 'JEST_STATE_SYMBOL');
  const state = symbol && globalThis[symbol];
  const names = [];
  for (let block = state && state.currentlyRunningTest; block && block.parent; block = block.parent) {
    names.unshift(block.name);
  }
  return names.length ? names : expect.getState().currentTestName;
}

afterEach(() => {
  write(titles());
});
