// Per-test V8 coverage inside vitest workers, for the keep rule and for projects without
// @vitest/coverage-v8. Loaded as an extra `setupFiles` entry (js/vitest-run.mjs).
//
// vitest runs each module as a wrapped, transformed script whose source carries an inline
// source map; the first time a project script is seen its executed source is written once
// (`{source, code}`), then every take is `{file, test, scripts: [[url, ranges]]}` as
// js/per-test-coverage.cjs writes them; the take before a test (`test: null`) holds what its
// file ran outside tests, its imports first. coverage.read_vitest_per_test maps them back.
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterEach, beforeEach } from 'vitest';

const outDir = process.env.TESTGEN_PER_TEST_DIR || '';
const rootDir = process.env.TESTGEN_PER_TEST_ROOT || '';
const state = globalThis.__testgenPerTest || (globalThis.__testgenPerTest = { seen: new Set() });

if (outDir && !state.session) {
  try {
    const session = new inspector.Session();
    session.connect();
    session.post('Profiler.enable');
    session.post('Debugger.enable');
    session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    state.session = session;
    state.out = path.join(outDir, `${process.pid}-${threadId}.jsonl`);
    process.on('exit', () => record(null, null));
  } catch (error) {
    state.session = null;
  }
}

function post(method, params) {
  let result = null;
  state.session.post(method, params, (error, value) => {
    result = error ? null : value;
  });
  return result;
}

function record(file, test) {
  if (!state.session) return;
  try {
    const taken = post('Profiler.takePreciseCoverage', {});
    const scripts = [];
    const lines = [];
    for (const script of (taken && taken.result) || []) {
      const url = script.url || '';
      if (!url.startsWith('file://') || url.includes('/node_modules/')) continue;
      if (rootDir && !url.startsWith(rootDir)) continue;
      if (!state.seen.has(script.scriptId)) {
        state.seen.add(script.scriptId);
        const source = post('Debugger.getScriptSource', { scriptId: script.scriptId });
        if (source) lines.push(JSON.stringify({ source: url, code: source.scriptSource }));
      }
      const ranges = [];
      for (const fn of script.functions) {
        for (const r of fn.ranges) ranges.push([r.startOffset, r.endOffset, r.count]);
      }
      scripts.push([url, ranges]);
    }
    lines.push(JSON.stringify({ file, test, scripts }));
    fs.appendFileSync(state.out, `${lines.join('\n')}\n`);
  } catch (error) {
    // Coverage is best effort: a full disk must not fail the user's test.
  }
}

function names(task) {
  const found = [task.name];
  for (let suite = task.suite; suite && !suite.filepath; suite = suite.suite) {
    found.unshift(suite.name);
  }
  return found;
}

beforeEach((context) => record(context.task.file ? context.task.file.filepath : null, null));
afterEach((context) => {
  const task = context.task;
  record(task.file ? task.file.filepath : null, names(task));
});
