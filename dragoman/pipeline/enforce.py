"""The pipeline's view of glossary enforcement: re-exports dragoman.enforce (kept as a package of its own)."""

from dragoman.enforce import *  # noqa: F403
from dragoman.enforce import __all__  # noqa: F401
