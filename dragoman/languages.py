"""Language codes: validation and the scripts, directions and names dragoman knows about."""

from __future__ import annotations

import re

from dragoman.errors import LanguageError

# ISO 639-1 two-letter codes, or three-letter ISO 639-3, optionally with a BCP 47 script/region
# (zh-Hant, pt-BR). Argos uses codes such as "zt" and "pb"; those are two letters and pass.
_CODE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{4})?(-([A-Z]{2}|[0-9]{3}))?$")

RTL_LANGUAGES = frozenset({"fa", "ar", "he", "ur", "ps", "ckb", "yi", "dv", "ug", "sd"})

NAMES = {
    "en": "English",
    "ms": "Malay",
    "fa": "Persian",
    "id": "Indonesian",
    "ar": "Arabic",
    "es": "Spanish",
    "ca": "Catalan",
    "fr": "French",
    "de": "German",
    "zz": "Toy language (tests)",
}


def is_valid_code(code: str) -> bool:
    return bool(_CODE_RE.match(code))


def validate_code(code: str) -> str:
    """Return the code if it is well-formed, else raise LanguageError with the fix."""
    if not isinstance(code, str) or not is_valid_code(code):
        raise LanguageError(
            f"{code!r} is not a language code",
            "use an ISO 639 code such as en, ms, fa (optionally with a region: pt-BR)",
        )
    return code


def is_rtl(code: str) -> bool:
    return code.split("-")[0] in RTL_LANGUAGES


def name_of(code: str) -> str:
    return NAMES.get(code.split("-")[0], code)
