"""Presenters: the use cases' results in words, in the user's language — for the terminal
(rich), as JSON documents for scripts, and the messages of errors and notices."""
