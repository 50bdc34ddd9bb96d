"""The translation pipeline: read and parse inputs, route pairs, translate through the memory, enforce terms, write."""
