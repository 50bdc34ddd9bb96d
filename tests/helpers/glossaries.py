"""Small glossaries several test files enforce (the fake engine's en->ms)."""

EN_MS_GLOSSARY = """\
version: 1
languages: [en, ms]
entries:
  - id: anwar-ibrahim
    type: person
    terms: {en: Anwar Ibrahim, ms: Anwar Ibrahim}
  - id: policy
    terms: {en: policy, ms: dasar}
"""
