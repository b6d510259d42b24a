"""NLP: one spaCy pipeline per process, with eventwire's components registered on it."""
from .pipeline import MODEL, load_nlp, make_doc, memory_zone, warm_tokenizer

__all__ = ["MODEL", "load_nlp", "make_doc", "memory_zone", "warm_tokenizer"]
