"""Publish: the public contest site, feeds for newsrooms, outlet adapters, loudspeaker bulletins."""
