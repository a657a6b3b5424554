"""Publishing rules without I/O."""
