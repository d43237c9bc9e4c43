"""The built-in exporters. Each registers under the entry-point group ``coursepack.exporters``."""
