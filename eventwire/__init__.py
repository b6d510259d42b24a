"""eventwire: dated news reports in, auditable conflict event records out."""

__version__ = "0.1.0"
