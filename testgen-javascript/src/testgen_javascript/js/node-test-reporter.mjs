// A node:test reporter that writes one JSON object per line: every test's outcome with its
// file, its position in the suite tree and its failure message. Python reads it back.
export default async function* jsonLines(source) {
  const stacks = new Map();
  for await (const event of source) {
    const data = event.data || {};
    const file = data.file || '';
    if (event.type === 'test:start') {
      const stack = stacks.get(file) || [];
      stack.length = data.nesting;
      stack[data.nesting] = data.name;
      stacks.set(file, stack);
      continue;
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const stack = stacks.get(file) || [];
    const path = [...stack.slice(0, data.nesting), data.name];
    const details = data.details || {};
    const error = details.error;
    yield JSON.stringify({
      outcome: event.type === 'test:pass' ? (data.skip || data.todo ? 'skipped' : 'passed') : 'failed',
      name: data.name,
      path,
      file,
      nesting: data.nesting,
      suite: details.type === 'suite',
      duration: details.duration_ms || 0,
      failure: error ? (error.failureType || '') : '',
      message: error ? describe(error) : '',
    }) + '\n';
  }
}

function describe(error) {
  const cause = error.cause && typeof error.cause === 'object' ? error.cause : null;
  const inner = cause || error;
  const name = inner.name || inner.constructor?.name || 'Error';
  return `${name}: ${inner.message ?? String(inner)}`.slice(0, 4000);
}
