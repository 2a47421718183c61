"""TestGen language plugin for Go (standard ``testing`` and testify)."""

__version__ = "0.1.0"
