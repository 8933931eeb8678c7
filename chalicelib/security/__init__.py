"""Signing and verifying the tokens that travel in links and headers."""
