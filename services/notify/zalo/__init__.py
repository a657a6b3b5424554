"""The Zalo official account: its tokens, its ZNS template mappings, its delivery callbacks."""
