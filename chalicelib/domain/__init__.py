"""Pure domain core: standard library only, no framework or AWS imports."""
