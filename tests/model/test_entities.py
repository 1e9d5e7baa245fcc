"""The target schemata Concord names are the ones FtM's schema hierarchy gives."""

from __future__ import annotations

from concord.model.entities import _target_schemata, target_schemata


def test_the_named_target_schemata_are_ftms_hierarchy() -> None:
    assert target_schemata() == _target_schemata()
