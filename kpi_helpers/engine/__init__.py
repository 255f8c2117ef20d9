"""Pure domain functions: scoring, roll-ups, trends, review, lint. No I/O and no text in any language."""
