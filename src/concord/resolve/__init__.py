"""Resolve the same real-world target across lists: profiles -> blocking -> score -> clusters."""
