"""Test support: real infrastructure started on free ports, service processes, keys, SMTP."""
