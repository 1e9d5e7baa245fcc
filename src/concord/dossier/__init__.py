"""Designation dossiers: a proposal to designate one target, with its evidence, the legal
criteria per proposed regime, the designations it already has, and a status per
jurisdiction; shared between parties as signed packages (docs/dossiers.md)."""
