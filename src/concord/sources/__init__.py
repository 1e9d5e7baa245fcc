"""One parser per official format: bytes -> FollowTheMoney entities (see `base`)."""
