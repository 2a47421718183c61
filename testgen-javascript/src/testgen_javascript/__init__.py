"""TestGen plugin for JavaScript and TypeScript: jest, vitest, mocha and node:test."""

__version__ = "0.1.0"
