"""Direct-to-storage multipart uploads of entry files."""
