"""TestGen language plugin for Rust (cargo test integration tests, proptest properties)."""

__version__ = "0.1.0"
