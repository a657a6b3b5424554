"""Organizers' announcements to a group of a contest's people."""
