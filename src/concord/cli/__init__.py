"""The command line: thin commands over the library (`concord --help`)."""

from concord.cli.main import main

__all__ = ["main"]
