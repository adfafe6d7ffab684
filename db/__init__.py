"""Persistence. Every function takes the caller's `session` first and never opens its own."""
