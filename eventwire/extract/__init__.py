"""Extraction stages: times, places, actors, counts, events (with claims), each a spaCy component."""
