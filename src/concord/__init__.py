"""Concord: coordinate targeted human-rights and anti-corruption sanctions across governments."""

__version__ = "0.1.0"
