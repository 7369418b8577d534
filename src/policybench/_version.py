"""The package version, in one place (read by the build backend and imported by every module that records it)."""

__version__ = "0.1.0"
