// Runs vitest through its node API with js/vitest-per-test.mjs added to the project's own
// setup files (vite merges arrays, so the project's setupFiles stay). Arguments come as JSON
// in TESTGEN_VITEST: {node: <vitest/dist/node.js>, files, options, setup}.
const job = JSON.parse(process.env.TESTGEN_VITEST);
const { startVitest } = await import(job.node);
const vitest = await startVitest('test', job.files, job.options,
  { test: { setupFiles: [job.setup] } });
await vitest?.close();
process.exit(process.exitCode ?? 0);
