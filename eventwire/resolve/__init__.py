"""The resolve stage: events from different articles that report one real event."""
from .dedup import Mention, canonical_event, group, related, same_event

__all__ = ["Mention", "canonical_event", "group", "related", "same_event"]
