"""A session's state as data: the JSON codec, state images and their diffs, signing of
the browser's copy, session ids, uploaded files and pydantic support.

Pure functions of state: no Flask, no store, no runtime; it imports nothing of ours but
``mesop_cli.config``.
"""
