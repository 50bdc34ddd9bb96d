"""Translation-memory key material: which glossary entries touch a segment, and a hash of their content."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from dragoman.enforce.model import EnforceOptions
from dragoman.enforce.terms import find_source_terms
from dragoman.glossary.model import Entry, Glossary

# Bump when enforcement could produce different output for the same input (invalidates memory entries).
ENFORCE_VERSION = "2"  # 2: forbidden forms banned on a retry, where one came out


def entry_fingerprint(entry: Entry) -> dict[str, Any]:
    """Everything about an entry that can change how a segment touching it is translated."""
    return {
        "id": entry.id,
        "terms": {
            lang: {"preferred": side.preferred, "variants": list(side.variants), "forbidden": list(side.forbidden)}
            for lang, side in entry.terms.items()
        },
        "dnt": entry.dnt,
        "case": entry.case,
        "type": entry.type,
        "status": entry.status,
    }


def tm_key_material(
    segment: str, glossary: Glossary | None, source: str, target: str, options: EnforceOptions | None = None
) -> str:
    """Key material for the translation memory: "" when no entry touches ``segment`` (so the key equals the
    no-glossary key and unrelated glossary edits never invalidate it), else the touching entry ids and a hash
    of their content plus the enforcement settings. Editing one entry re-translates only the segments it touches.
    """
    if glossary is None or not len(glossary):
        return ""
    ids = sorted({entry_id for hit in find_source_terms(glossary, source, segment) for entry_id in hit.entry_ids})
    if not ids:
        return ""
    opts = options or EnforceOptions()
    payload = {
        "v": ENFORCE_VERSION,
        "target": target,
        "entries": [entry_fingerprint(glossary.entries[i]) for i in ids if i in glossary.entries],
        "form": opts.placeholder_form,
        "n": opts.num_hypotheses,
        "variants": opts.replace_variants,
        "suppress": opts.suppress_forbidden,
        "drafts": opts.include_drafts,
        "rounds": opts.max_rounds,
        "attention1": opts.attention_first_round,
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    return f"glossary:{','.join(ids)}:{digest[:16]}"
