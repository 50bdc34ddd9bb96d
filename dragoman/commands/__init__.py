"""The sub-commands of the `dragoman` CLI, one module per group; each only parses, calls the core and prints."""
