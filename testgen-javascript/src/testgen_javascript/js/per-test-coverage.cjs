// Per-test V8 coverage: which code each test ran, for the keep rule's "adds coverage" check.
//
// Loaded into every test process (mocha: `--require`, node:test: NODE_OPTIONS=--require).
// A precise-coverage session is started; at each test's start the counters are taken (and
// reset), at its end the block ranges run since then are that test's. Every take is appended
// to $TESTGEN_PER_TEST_DIR/<pid>.jsonl at once (a killed process keeps what it wrote), the
// ones outside any test with `test: null`, so the union of all records is the whole run.
'use strict';

const fs = require('node:fs');
const inspector = require('node:inspector');
const path = require('node:path');

const outDir = process.env.TESTGEN_PER_TEST_DIR || '';
const rootDir = process.env.TESTGEN_PER_TEST_ROOT || '';
const out = outDir ? path.join(outDir, `${process.pid}.jsonl`) : '';
let session = null;

if (out) {
  try {
    session = new inspector.Session();
    session.connect();
    session.post('Profiler.enable');
    session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  } catch (error) {
    session = null; // worker threads (a reporter's) may have no inspector: nothing to record
  }
}

function take() {
  let result = null;
  session.post('Profiler.takePreciseCoverage', (error, value) => {
    result = error ? null : value;
  });
  const scripts = [];
  for (const script of (result && result.result) || []) {
    const url = script.url || '';
    if (!url.startsWith('file://') || url.includes('/node_modules/')) continue;
    if (rootDir && !url.startsWith(rootDir)) continue;
    const ranges = [];
    for (const fn of script.functions) {
      for (const r of fn.ranges) ranges.push([r.startOffset, r.endOffset, r.count]);
    }
    scripts.push([url, ranges]);
  }
  return scripts;
}

function record(file, test) {
  if (!session) return;
  try {
    fs.appendFileSync(out, `${JSON.stringify({ file, test, scripts: take() })}\n`);
  } catch (error) {
    // Coverage is best effort: a full disk must not fail the user's test.
  }
}

process.on('exit', () => record(null, null));

// ---------------------------------------------------------------- mocha (root hook plugin)

exports.mochaHooks = {
  beforeEach() {
    record(null, null);
  },
  afterEach() {
    const test = this.currentTest;
    if (test) record(test.file || null, test.fullTitle());
  },
};

// ---------------------------------------------------------------- node:test

// Root-level hooks apply to every test of the file. They are registered only in the child
// process that runs one test file (NODE_TEST_CONTEXT), not in the `node --test` parent.
// A test is recorded by its own name: the generated files' tests are top-level.
if (session && process.env.TESTGEN_PER_TEST_NODE_TEST === '1' && process.env.NODE_TEST_CONTEXT) {
  const nodeTest = require('node:test');
  nodeTest.beforeEach(() => record(null, null));
  nodeTest.afterEach((context) => record(process.argv[1] || null, [context.name]));
}
