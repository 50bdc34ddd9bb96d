"""Suggest glossary candidates from articles: names, acronyms, titles and recurring phrases not yet in the glossary."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dragoman.glossary.match import TermMatcher
from dragoman.glossary.model import Entry, Glossary, LangTerms
from dragoman.glossary.normalize import normalize_term
from dragoman.glossary.schema import id_slug, unique_id

if TYPE_CHECKING:
    from dragoman.engines.base import Engine

# Written by hand rather than taken from spaCy/NLTK: those need model or corpus downloads (the
# tool works offline) and their stopword lists do not include the news-specific capitalised
# words (weekdays, months, honorifics) that matter here. English only for now.
STOPWORDS = frozenset(
    """a about above after again against all also although among an and another any are as at be
    because been before being below between both but by can could did do does doing down during each
    even every few for from further had has have having he her here hers herself him himself his how
    however i if in into is it its itself just like many may me meanwhile might more most much must my
    myself never no nor not now of off on once one only or other others our ours ourselves out over own
    perhaps same several she should since so some still such than that the their theirs them themselves
    then there these they this those though through thus to too under until up upon us very was we were
    what when where whether which while who whom whose why will with within without would yes yet you
    your yours yourself according asked said says told today yesterday tomorrow tonight despite instead
    many much earlier later already again""".split()
)
_CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
# Words that make a lower-case phrase a time or quantity expression ("last year", "per cent").
_PHRASE_STOP = frozenset(
    """year years week weeks month months day days time times ago cent percent minute minutes hour hours
    season seasons last next first second third two three four five six seven eight nine ten hundred
    thousand million billion people lot way thing things""".split()
)
# Honorifics are dropped from names; they are not glossary entries of their own.
_HONORIFICS = frozenset("mr mrs ms miss dr sir dame lord lady prof professor rev mr. mrs. ms. dr. prof. rev.".split())
# Words that make a capitalised run a title ("Prime Minister Anwar Ibrahim" -> title + person).
_TITLE_WORDS = frozenset(
    """president prime minister chancellor secretary senator sen. sen rep. rep governor gov. gov king queen
    prince princess emperor pope ayatollah sheikh sultan mayor ambassador envoy general gen. gen commander
    chief captain judge justice speaker spokesman spokeswoman spokesperson director chairman chairwoman
    chair leader premier vice deputy foreign defence defense interior finance home state attorney
    minister's""".split()
)
# Lower-case words allowed inside a capitalised name: "Islamic Republic of Iran", "Bank of England".
_CONNECTORS = frozenset({"of", "for", "de", "del", "da", "van", "von", "bin", "al", "la", "le", "du", "der"})
_ORGANIZATION_WORDS = frozenset(
    """party committee court council union organisation organization ministry agency bank university
    association times post news company inc corp corporation group commission senate congress parliament
    army navy police forces force institute foundation trust fund league club federation network airlines
    department office assembly guard service""".split()
)
_PLACE_WORDS = frozenset(
    """strip city island islands province republic kingdom states state sea river mountain mountains
    county street bay gulf valley coast peninsula district region""".split()
)
_EVENT_WORDS = frozenset(
    "war cup games olympics summit operation championship election elections referendum conference festival".split()
)

# A word: letters/digits with inner apostrophes, hyphens and dots (U.S., al-Aqsa, O'Brien).
_WORD_RE = re.compile(r"[^\W_](?:[\w.’'\-]*[^\W_])?\.?")
_POSSESSIVE_RE = re.compile(r"(?:['’]s|s['’])$")
_CONTRACTION_RE = re.compile(r"^\w+['’](?:m|re|ve|ll|d|t)$", re.IGNORECASE)
_DETERMINERS = frozenset("the this that these those a an".split())
_DOTTED_RE = re.compile(r"^(?:[A-Z]\.){2,4}$")
_ACRONYM_RE = re.compile(r"^(?:[A-Z][A-Z0-9&]{1,7}|(?:[A-Z]\.){2,4})$")


@dataclass
class Candidate:
    """A suggested glossary term: its form, what it looks like, how often and in how many documents it occurs."""

    text: str
    kind: str  # "name" | "acronym" | "title" | "phrase"
    type: str | None  # person, place, organization, title, event, term (a guess)
    count: int = 0
    documents: int = 0
    variants: dict[str, int] = field(default_factory=dict)  # other forms grouped under this one, with counts
    renderings: dict[str, str] = field(default_factory=dict)  # pre-filled by a model, lang -> text

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "text": self.text,
            "kind": self.kind,
            "type": self.type,
            "count": self.count,
            "documents": self.documents,
        }
        if self.variants:
            out["variants"] = dict(self.variants)
        if self.renderings:
            out["renderings"] = dict(self.renderings)
        return out

    def forms(self) -> list[str]:
        return [self.text, *self.variants]


@dataclass
class _Token:
    text: str
    start: int
    end: int
    sentence_start: bool
    spaced: bool = True  # only white space separates it from the previous word (no comma, dash, quote)


def _tokens(sentence: str, offset: int) -> list[_Token]:
    out: list[_Token] = []
    previous_end = 0
    for i, m in enumerate(_WORD_RE.finditer(sentence)):
        word = m.group(0)
        # A final dot belongs to the word only for abbreviations (U.S., Sen.), not at sentence end.
        if word.endswith(".") and not (_DOTTED_RE.match(word) or word.lower() in _HONORIFICS | _TITLE_WORDS):
            word = word[:-1]
        spaced = not sentence[previous_end : m.start()].strip()
        # A word after an opening quote or bracket starts a sentence of its own for capitalisation.
        gap = sentence[previous_end : m.start()].strip()
        # A straight quote opens only after a space or at the start ('said, "Trump'); glued to
        # punctuation it closes (',"  Trump said'), and the sentence goes on.
        opens = gap[-1:] in {"“", "(", "‘", ":"} or (gap[-1:] == '"' and (len(gap) == 1 or gap[-2].isspace()))
        starts = i == 0 or opens
        out.append(_Token(word, offset + m.start(), offset + m.start() + len(word), starts, spaced))
        previous_end = m.start() + len(word)
    return out


def _sentences(text: str, lang: str) -> list[tuple[int, int]]:
    from dragoman.segment import split_sentences

    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            spans.extend((pos + s, pos + e) for s, e in split_sentences(line, lang))
        pos += len(line)
    return spans


# Endings of English adverbs and -ing forms; not "-ed", which ends names (Ahmed, Saeed, Zayed).
_COMMON_SHAPE_RE = re.compile(r"(?:[a-z]{3}ing|[a-z]{3}ly|where|wise|wards?)$")
# A name joined to a lower-case word makes an adjective: "Israeli-imposed", "US-led".
_COMPOUND_ADJECTIVE_RE = re.compile(r"^([A-Z][\w’']*)-[a-z]+$")
# The Arabic article written in lower case inside a name: "Operation al-Aqsa Flood", "Ayman al-Zawahiri".
_ARTICLE_PREFIX_RE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ud|ul)-[A-Z]")


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() or bool(_ARTICLE_PREFIX_RE.match(word))


def _fold(word: str) -> str:
    return _POSSESSIVE_RE.sub("", word) if len(word) > 3 else word


class _Collector:
    """Counts candidate forms over documents."""

    def __init__(self, lowercase_words: set[str]) -> None:
        self.lowercase_words = lowercase_words
        self.counts: Counter[tuple[str, str]] = Counter()
        self.docs: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.types: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        # Forms seen at least once where a capital proves nothing less than a name: not the
        # first word of a sentence (or of a quote).
        self.mid_sentence: set[tuple[str, str]] = set()

    def add(self, form: str, kind: str, doc: str, type_: str | None, *, initial: bool = False) -> None:
        key = (form, kind)
        self.counts[key] += 1
        if not initial:
            self.mid_sentence.add(key)
        self.docs[key].add(doc)
        if type_:
            self.types[key][type_] += 1

    def common(self, word: str) -> bool:
        """A capitalised word that is really a common word (in the stopwords, or also written in lower case)."""
        low = word.lower()
        return low in STOPWORDS or low in _CALENDAR or low in self.lowercase_words

    def run(self, tokens: list[_Token], doc: str) -> None:
        """Find capitalised runs and acronyms in one sentence."""
        i = 0
        n = len(tokens)
        while i < n:
            tok = tokens[i]
            if not _is_capitalised(tok.text):
                i += 1
                continue
            j = i + 1
            while j < n and tokens[j].spaced:
                word = tokens[j].text
                if _is_capitalised(word):
                    j += 1
                elif (
                    word.lower() in _CONNECTORS
                    and j + 1 < n
                    and tokens[j + 1].spaced
                    and _is_capitalised(tokens[j + 1].text)
                ):
                    j += 2
                elif (
                    word.lower() in _CONNECTORS
                    and j + 2 < n
                    and tokens[j + 1].text == "the"
                    and _is_capitalised(tokens[j + 2].text)
                ):
                    j += 3  # "Bank of the West"
                else:
                    break
            self._run(tokens[i:j], doc)
            i = j

    def _run(self, run: list[_Token], doc: str) -> None:
        words = [t.text for t in run]
        if any(_CONTRACTION_RE.match(w) for w in words):
            return  # "I'm", "We've": not names
        # Sentence-initial common words ("The", "But"; "Police" alone) and honorifics are not part
        # of names; a common adjective leading a longer run stays ("New York", "First Minister").
        while words and (
            (
                run[0].sentence_start
                and not _ACRONYM_RE.match(words[0])  # "US", "IT" in capitals are not the words us, it
                and self.common(words[0])
                and (len(words) == 1 or words[0].lower() in STOPWORDS)
            )
            or words[0].lower() in _HONORIFICS
            or words[0].lower() in _DETERMINERS
            or words[0].lower() in _CALENDAR
        ):
            words = words[1:]
            run = run[1:]
        if not words:
            return
        words = [_fold(w) for w in words]
        if all(w.lower() in _TITLE_WORDS for w in words):
            self.add(" ".join(words), "title", doc, "title")  # "President", "Prime Minister" alone
            return
        # Split off a title: "Malaysian Prime Minister Anwar Ibrahim" -> "Malaysian Prime Minister" + "Anwar Ibrahim".
        last_title = -1
        for k, w in enumerate(words):
            if w.lower() in _TITLE_WORDS:
                last_title = k
        person_hint = False
        if last_title >= 0 and last_title < len(words) - 1:
            title_words = words[: last_title + 1]
            if _ACRONYM_RE.match(title_words[0]) and len(title_words) > 1:
                # "US Energy Secretary Rick Perry": the country is a candidate of its own.
                self.add(title_words[0], "acronym", doc, "place")
                title_words = title_words[1:]
            self.add(" ".join(title_words), "title", doc, "title")
            words = words[last_title + 1 :]
            person_hint = True
        elif last_title == len(words) - 1 and len(words) > 1 and words[-1].lower() in {"minister", "president"}:
            self.add(" ".join(words), "title", doc, "title")
            return
        # Drop stray connectors and calendar words at either end.
        while words and (words[-1].lower() in _CONNECTORS or words[-1].lower() in _CALENDAR):
            words = words[:-1]
        while words and words[0].lower() in _CONNECTORS:
            words = words[1:]
        if not words:
            return
        if len(words) == 1 and (compound := _COMPOUND_ADJECTIVE_RE.match(words[0])):
            words = [compound.group(1)]  # "Israeli-imposed war", "Iran-backed group": a mention of Israeli, Iran
        form = " ".join(words)
        if len(words) == 1:
            word = words[0]
            if _ACRONYM_RE.match(word):
                self.add(word, "acronym", doc, "organization")
                return
            if len(word) < 2 or word.lower() in STOPWORDS or word.lower() in _CALENDAR:
                return
            if word.lower() in self.lowercase_words and not person_hint:
                return  # a common word written with a capital (headline case, sentence start)
        initial = len(run) == 1 and run[0].sentence_start
        self.add(form, "name", doc, "person" if person_hint else _guess_type(words), initial=initial)


def _guess_type(words: Sequence[str]) -> str | None:
    lowered = {w.lower() for w in words}
    if lowered & _EVENT_WORDS:
        return "event"
    if lowered & _ORGANIZATION_WORDS:
        return "organization"
    if lowered & _PLACE_WORDS:
        return "place"
    if all(_ACRONYM_RE.match(w) for w in words):
        return "organization"
    return None


def _phrases(docs: Sequence[tuple[str, str]], lang: str, collector: _Collector) -> None:
    """Recurring lower-case noun phrases: two or three content words in a row ("buffer zone")."""
    for doc, text in docs:
        for start, end in _sentences(text, lang):
            tokens = _tokens(text[start:end], start)
            words = [t.text for t in tokens]
            for size in (2, 3):
                for k in range(len(words) - size + 1):
                    gram = words[k : k + size]
                    if not all(t.spaced for t in tokens[k + 1 : k + size]):
                        continue
                    # A capitalised adjective may lead ("Zionist regime", "Islamic countries").
                    head_ok = gram[0].islower() or (
                        size == 2
                        and not tokens[k].sentence_start
                        and gram[0][:1].isupper()
                        and gram[0][1:].islower()
                        and not (k > 0 and tokens[k].spaced and _is_capitalised(words[k - 1]))
                    )
                    if not head_ok or not all(w.islower() for w in gram[1:]):
                        continue
                    if not all(w.isalpha() and len(w) > 2 for w in gram):
                        continue
                    if any(w.lower() in STOPWORDS or w.lower() in _CALENDAR or w.lower() in _PHRASE_STOP for w in gram):
                        continue
                    if gram[-1].endswith(("ly", "ed", "ing")):
                        continue  # adverbs and verb forms do not end noun phrases
                    collector.add(" ".join(gram), "phrase", doc, "term")


def suggest(
    documents: Sequence[tuple[str, str]],
    glossary: Glossary | None = None,
    lang: str = "en",
    *,
    min_count: int = 2,
    phrases: bool = True,
) -> list[Candidate]:
    """Candidates for a glossary from ``documents`` ((id, text) pairs) that ``glossary`` does not hold yet.

    Counts every occurrence and the number of documents; keeps candidates seen at least
    ``min_count`` times (names and acronyms) or ``min_count + 1`` times (lower-case phrases).
    Short forms are grouped under the longer name they belong to ("Ibrahim" under "Anwar
    Ibrahim"), possessives are folded ("Pezeshkian’s" counts as "Pezeshkian").
    """
    lowercase_words: set[str] = set()
    for _doc, text in documents:
        for m in _WORD_RE.finditer(text):
            word = m.group(0)
            if word.islower():
                lowercase_words.add(word.rstrip("."))
    collector = _Collector(lowercase_words)
    for doc, text in documents:
        for start, end in _sentences(text, lang):
            collector.run(_tokens(text[start:end], start), doc)
    if phrases:
        _phrases(documents, lang, collector)

    candidates = _group(collector, min_count)
    if glossary is not None and len(glossary):
        candidates = _unknown(candidates, glossary, lang)
    candidates.sort(key=lambda c: (-c.documents, -c.count, c.text))
    return candidates


def _group(collector: _Collector, min_count: int) -> list[Candidate]:
    """Merge counts, fold case duplicates, and group short forms under their full name."""
    by_form: dict[str, Candidate] = {}
    doc_sets: dict[str, set[str]] = {}
    for (form, kind), count in collector.counts.items():
        key = form.lower() if kind == "phrase" else form
        types = collector.types.get((form, kind))
        type_ = types.most_common(1)[0][0] if types else None
        cand = by_form.get(key)
        if cand is None:
            by_form[key] = Candidate(form, kind, type_, count)
            doc_sets[key] = set(collector.docs[(form, kind)])
        else:
            cand.count += count
            doc_sets[key] |= collector.docs[(form, kind)]
            if cand.kind == "phrase" and kind != "phrase":
                cand.kind, cand.type = kind, type_
    # Lower-case phrases that are just parts of names are dropped.
    for key, cand in list(by_form.items()):
        if cand.kind == "phrase" and any(c.kind != "phrase" and c.text.lower() == key for c in by_form.values()):
            del by_form[key]
    # A single word that is the last (or first) word of exactly one longer name is its short form.
    multi = [c for c in by_form.values() if c.kind == "name" and " " in c.text]
    for key, cand in list(by_form.items()):
        if cand.kind != "name" or " " in cand.text:
            continue
        low = cand.text.lower()
        owners = [m for m in multi if m.text.split()[-1].lower() == low or m.text.split()[0].lower() == low]
        if len(owners) == 1 and owners[0].type in (None, "person"):
            owner = owners[0]
            owner.variants[cand.text] = cand.count
            owner.type = "person"
            doc_sets[owner.text] = doc_sets.get(owner.text, set()) | doc_sets.pop(key)
            del by_form[key]
    out: list[Candidate] = []
    for key, cand in by_form.items():
        if (
            cand.kind == "name"
            and " " not in cand.text
            and not cand.variants
            and (cand.text, "name") not in collector.mid_sentence
            and _COMMON_SHAPE_RE.search(cand.text)
        ):
            # A capital at the start of a sentence proves nothing, and these endings make
            # English adverbs and participles ("Elsewhere, ...", "Pointing to ..."); a name
            # seen only there ("Trump said ...") keeps its place.
            continue
        cand.documents = len(doc_sets.get(key, set()))
        total = cand.count + sum(cand.variants.values())
        needed = min_count + 1 if cand.kind == "phrase" else min_count
        if total >= needed:
            out.append(cand)
    return out


def _unknown(candidates: list[Candidate], glossary: Glossary, lang: str) -> list[Candidate]:
    """Leave out candidates the glossary already covers (any of its forms matches the whole candidate)."""
    matcher = TermMatcher.from_glossary(glossary, lang, kinds=("preferred", "variant", "forbidden"))
    out: list[Candidate] = []
    for cand in candidates:
        known = [f for f in cand.forms() if _covered(matcher, f)]
        if cand.text in known:
            continue
        for form in known:
            cand.variants.pop(form, None)
        out.append(cand)
    return out


def _covered(matcher: TermMatcher, form: str) -> bool:
    return any(m.start == 0 and m.end == len(form) for m in matcher.find(form))


def prefill(candidates: Sequence[Candidate], engine: Engine, source: str, targets: Iterable[str]) -> list[str]:
    """Fill ``Candidate.renderings`` from a translation model; returns the targets the engine cannot do."""
    skipped: list[str] = []
    texts = [c.text for c in candidates]
    for target in targets:
        if not engine.supports(source, target):
            skipped.append(target)
            continue
        results = engine.translate_batch(texts, source, target)
        for cand, hyps in zip(candidates, results):
            if hyps and hyps[0].text.strip():
                cand.renderings[target] = hyps[0].text.strip().rstrip(".")
    return skipped


def slug(text: str) -> str:
    """An entry id from a term: 'Anwar Ibrahim' -> 'anwar-ibrahim' (schema.id_slug; 'term' without Latin letters)."""
    return id_slug(normalize_term(text)) or "term"


def draft_entries(
    candidates: Sequence[Candidate], source: str, targets: Sequence[str] = (), taken: Iterable[str] = ()
) -> list[Entry]:
    """Entries with ``status: draft`` for review: one per candidate, and one per grouped short form."""
    used = set(taken)
    out: list[Entry] = []

    def new_id(text: str) -> str:
        entry_id = unique_id(slug(text), used)
        used.add(entry_id)
        return entry_id

    for cand in candidates:
        terms = {source: LangTerms(preferred=cand.text)}
        for target in targets:
            if target in cand.renderings:
                terms[target] = LangTerms(preferred=cand.renderings[target])
        note = f"suggested: {cand.count}x in {cand.documents} document{'s' if cand.documents != 1 else ''}"
        if cand.renderings:
            note += "; renderings pre-filled by a model, check them"
        entry_id = new_id(cand.text)
        out.append(Entry(id=entry_id, terms=terms, type=cand.type, note=note, status="draft"))
        for short, count in cand.variants.items():
            out.append(
                Entry(
                    id=new_id(short),
                    terms={source: LangTerms(preferred=short)},
                    type=cand.type,
                    note=f"suggested: short form of {cand.text} ({entry_id}), {count}x",
                    status="draft",
                )
            )
    return out
