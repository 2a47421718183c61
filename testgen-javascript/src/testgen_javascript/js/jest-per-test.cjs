// Per-test coverage under jest with its babel (istanbul) provider: the instrumented code
// counts into `__coverage__` in the test's own realm, so the statements whose counters rose
// between a test's start and end are that test's. Each test appends
// `{file, test, lines: {path: [line, ...]}}` to $TESTGEN_PER_TEST_DIR/<pid>.jsonl; a test
// that ran code instrumented after another transform (statement map not in source lines)
// is written with `lines: null`, and keeps the per-file rule.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const outDir = process.env.TESTGEN_PER_TEST_DIR || '';
const out = outDir ? path.join(outDir, `${process.pid}.jsonl`) : '';
let before = new Map();

function counters() {
  const found = new Map();
  const data = globalThis.__coverage__ || {};
  for (const key of Object.keys(data)) found.set(key, { ...data[key].s });
  return found;
}

beforeEach(() => {
  before = counters();
});

afterEach(() => {
  if (!out) return;
  try {
    const data = globalThis.__coverage__ || {};
    let lines = {};
    for (const key of Object.keys(data)) {
      const entry = data[key];
      const old = before.get(key) || {};
      const hit = new Set();
      for (const [id, count] of Object.entries(entry.s)) {
        if (count > (old[id] || 0)) hit.add(entry.statementMap[id].start.line);
      }
      if (!hit.size) continue;
      if (entry.inputSourceMap) {
        lines = null;
        break;
      }
      lines[entry.path || key] = [...hit];
    }
    const state = expect.getState();
    fs.appendFileSync(out, `${JSON.stringify({ file: state.testPath, test: state.currentTestName, lines })}\n`);
  } catch (error) {
    // Coverage is best effort: a full disk must not fail the user's test.
  }
});
