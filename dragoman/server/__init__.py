"""`dragoman serve`: a LibreTranslate-compatible HTTP API with enforced glossaries, cross-request batching and a web page.

The core (settings, service, batcher, glossaries, keys) does not import the web framework; only app.py does
(Starlette on uvicorn, the optional extra ``dragoman[server]``).
"""
