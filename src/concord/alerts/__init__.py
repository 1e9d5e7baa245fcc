"""Alerts: rules kept in the store, evaluated against what changed since their last run,
delivered by signed webhook and to an outbox file (docs/alerts.md)."""

from concord.alerts.deliver import Delivery, signature
from concord.alerts.rules import (
    KINDS,
    NewRule,
    Rule,
    RuleFilters,
    add_rule,
    list_rules,
    remove_rule,
)
from concord.alerts.run import RuleRun, run_rules, start_periodic

__all__ = [
    "KINDS",
    "Delivery",
    "NewRule",
    "Rule",
    "RuleFilters",
    "RuleRun",
    "add_rule",
    "list_rules",
    "remove_rule",
    "run_rules",
    "signature",
    "start_periodic",
]
