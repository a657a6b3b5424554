"""The built-in mail catcher of ``make up``: an SMTP server that keeps every message in a
Maildir (``server``), and the reading of that Maildir for the /mail page (``reader``)."""
