"""People's choices of channels, and the links that turn non-essential messages off."""
