"""TestGen plugin for C: tests in a tiny fork-per-test harness, compiled and measured with gcc."""

__version__ = "0.1.0"
