"""coursepack: one course source, many LMS-ready packages."""

__version__ = "0.1.0"
