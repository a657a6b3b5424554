"""Outlet kinds: one module each, exposing ``ADAPTER`` (see ``outlets/base.py``). The registry
finds every module here, so adding a kind is adding a module."""
