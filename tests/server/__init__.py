"""`dragoman serve`: the LibreTranslate API through real clients, glossaries, batching, keys, hostile input, the page."""
