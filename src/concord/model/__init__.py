"""The data model: FollowTheMoney helpers, entry keys, the regime registry, date intervals.

The model imports nothing of Concord's but `concord.errors`."""
