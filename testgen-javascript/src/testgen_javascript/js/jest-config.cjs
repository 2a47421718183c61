// The project's own jest configuration with js/jest-per-test.cjs appended to its
// setupFilesAfterEnv (jest's --setupFilesAfterEnv would replace the project's list).
// Read through the project's jest-config (TESTGEN_JEST_CONFIG_MODULE) from its root.
'use strict';

const path = require('node:path');

module.exports = async () => {
  const root = process.env.TESTGEN_JEST_ROOT || process.cwd();
  const { readInitialOptions } = require(process.env.TESTGEN_JEST_CONFIG_MODULE);
  const { config, configPath } = await readInitialOptions(undefined, {
    packageRootOrConfig: root, skipMultipleConfigError: true });
  const base = configPath ? path.dirname(configPath) : root;
  return {
    ...config,
    rootDir: config.rootDir ? path.resolve(base, config.rootDir) : base,
    setupFilesAfterEnv: [...(config.setupFilesAfterEnv || []), path.join(__dirname, 'jest-per-test.cjs')],
  };
};
