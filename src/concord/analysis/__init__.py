"""Coordination analysis: who each jurisdiction sanctions, the gaps between them, the lags
between their designations, their overlap and their pace (see docs/analysis.md)."""
