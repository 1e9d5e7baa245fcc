"""Turn a mirror folder (or a few files) into store snapshots: sources -> store."""

from concord.ingest.mirror import IngestReport, Outcome, ingest_files, ingest_mirror

__all__ = ["IngestReport", "Outcome", "ingest_files", "ingest_mirror"]
