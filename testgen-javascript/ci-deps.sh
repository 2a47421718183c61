#!/usr/bin/env bash
# Install the npm packages the JavaScript plugin's tests and example need, once.
#
# Each framework fixture (jest, vitest, mocha, node:test) gets its own node_modules in a cache
# directory; the tests link it into temporary projects. Re-running is cheap: a fixture whose
# package.json has not changed since its last install is left alone.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${TESTGEN_JS_FIXTURE_DEPS:-${HOME}/.cache/testgen-javascript/fixture-deps}"

if ! command -v npm >/dev/null 2>&1; then
    echo "ci-deps: npm is not installed; the JavaScript fixture tests will be skipped" >&2
    exit 0
fi

install_dir() {  # install_dir DIR: npm install unless DIR/package.json is unchanged
    local dir="$1"
    if [ -f "$dir/node_modules/.testgen-installed" ] \
        && cmp -s "$dir/package.json" "$dir/node_modules/.testgen-installed"; then
        echo "ci-deps: $dir is up to date"
        return
    fi
    echo "ci-deps: npm install in $dir"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
    cp "$dir/package.json" "$dir/node_modules/.testgen-installed"
}

for fixture in "$here"/tests/fixture-deps/*/; do
    name="$(basename "$fixture")"
    mkdir -p "$cache/$name"
    cp "$fixture/package.json" "$cache/$name/package.json"
    install_dir "$cache/$name"
done

# The example project runs its own `npm test` (node:test + tsx for the TypeScript module).
example="$here/../examples/javascript"
if [ -f "$example/package-lock.json" ]; then
    if [ ! -d "$example/node_modules" ]; then
        echo "ci-deps: npm ci in $example"
        (cd "$example" && npm ci --no-audit --no-fund --loglevel=error)
    fi
fi
echo "ci-deps: done ($cache)"
