"""Moderation pipeline: posts in, verdicts out. Pure: no database, no UI, no environment."""
