"""The tables of designation dossiers (`concord.dossier`).

A dossier proposes the designation of one target to one or more jurisdictions. Its evidence
files are kept once each, content-addressed by their SHA-256 (`dossier_blobs`), so the same
file attached to two dossiers, or imported twice, is stored once and cannot change.
A status row is never updated: the newest row of a (dossier, jurisdiction) is its status,
and the older rows are its history with their dates.
"""

from __future__ import annotations

import sqlalchemy as sa

from concord.store.tables import metadata

dossiers = sa.Table(
    "dossiers",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    # What the user named the target by, the target id it resolved to (None for a person
    # not listed anywhere yet) and its entry keys, so that a later resolution run that
    # renames the target still finds it.
    sa.Column("target_ref", sa.Text, nullable=True),
    sa.Column("target_id", sa.String(32), nullable=True, index=True),
    sa.Column("entry_keys", sa.JSON, nullable=False),
    sa.Column("subject", sa.JSON, nullable=False),  # the FtM entity the dossier is about
    sa.Column("entities", sa.JSON, nullable=False),  # FtM entities of its list entries
    sa.Column("proposed", sa.JSON, nullable=False),  # jurisdictions, e.g. ["UK", "CA"]
    sa.Column("conduct", sa.JSON, nullable=False),  # {"text", "from", "until"}
    sa.Column("criteria", sa.JSON, nullable=False),  # [{"regime", "jurisdiction", "text"}]
    sa.Column("exculpatory", sa.JSON, nullable=False),  # [{"text", "source"}]
    # Designations the target had elsewhere when the dossier came in a package (the
    # sender's read model); a dossier made here reads them live from the store.
    sa.Column("designations", sa.JSON, nullable=True),
    sa.Column("shared_with", sa.JSON, nullable=False),  # user names who may read it
    sa.Column("origin", sa.JSON, nullable=True),  # for an imported one: signer, package hash
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(255), nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

dossier_statuses = sa.Table(
    "dossier_statuses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dossier_id", sa.String(40), sa.ForeignKey("dossiers.id"), nullable=False),
    sa.Column("jurisdiction", sa.String(8), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("on", sa.Date, nullable=False),  # the day the status began
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("recorded_by", sa.String(255), nullable=False),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
)

dossier_blobs = sa.Table(
    "dossier_blobs",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
)

dossier_evidence = sa.Table(
    "dossier_evidence",
    metadata,
    sa.Column("dossier_id", sa.String(40), sa.ForeignKey("dossiers.id"), primary_key=True),
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("media_type", sa.String(128), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("date", sa.Date, nullable=True),
    sa.Column("reliability", sa.String(2), nullable=False),
    sa.Column("confidentiality", sa.String(16), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    # False when a package left the file out or encrypted it for someone else: the item
    # is known (name, hash, marks) but its content is not held here.
    sa.Column("held", sa.Boolean, nullable=False),
    sa.Column("added_by", sa.String(255), nullable=False),
    sa.Column("added_at", sa.DateTime, nullable=False),
)
