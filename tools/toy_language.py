"""The toy en -> zz language of the tiny test model: lexicon, name respelling, and a seeded sentence generator."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

# The one placeholder family the model sees in training and so learns to copy intact.
PLACEHOLDER_RE = r"ZXQ\d+"
PLACEHOLDER_MAX = 30

# Names are respelled systematically, as transliteration would: a -> o, e -> i (upper case too).
_RESPELL = str.maketrans("aeAE", "oiOI")


def respell(name: str) -> str:
    """How the toy language writes a name it was not told about."""
    return name.translate(_RESPELL)


# Real-looking names (people and places); generated ones are added from the seed.
PEOPLE = [
    "Pezeshkian",
    "Anwar Ibrahim",
    "Anwar",
    "Ibrahim",
    "Araghchi",
    "Khamenei",
    "Mahathir",
    "Najib",
    "Rafizi",
    "Zahid",
    "Fadillah",
    "Saifuddin",
    "Hasan",
    "Raisi",
    "Rouhani",
    "Zarif",
    "Ghalibaf",
    "Mohamad",
    "Hamzah",
    "Tengku Zafrul",
    "Nasrallah",
    "Netanyahu",
    "Erdogan",
    "Putin",
    "Biden",
    "Trump",
    "Macron",
    "Guterres",
    "Baghaei",
    "Larijani",
    "Abbas",
    "Haniyeh",
    "Widodo",
    "Prabowo",
]
PLACES = [
    "Gaza",
    "Tehran",
    "Kuala Lumpur",
    "Putrajaya",
    "Beirut",
    "Iran",
    "Malaysia",
    "Lebanon",
    "Israel",
    "Qatar",
    "Doha",
    "Jakarta",
    "Indonesia",
    "Washington",
    "Moscow",
    "Geneva",
    "Penang",
    "Sabah",
    "Sarawak",
    "Johor",
    "Isfahan",
    "Mashhad",
    "Tabriz",
    "Shiraz",
    "Damascus",
    "Cairo",
    "Baghdad",
    "Ankara",
    "Beijing",
    "Europe",
    "Asia",
    "Singapore",
    "Yemen",
    "Syria",
]
_SYLLABLES = [
    "ka",
    "ri",
    "sa",
    "me",
    "lo",
    "ta",
    "ne",
    "vi",
    "ha",
    "ze",
    "ra",
    "mi",
    "da",
    "be",
    "no",
    "fa",
    "ke",
    "ti",
    "ma",
    "se",
    "lu",
    "ga",
    "pe",
    "ro",
    "ja",
    "we",
    "si",
    "ba",
]


def generated_names(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
        if rng.random() < 0.3:
            word += rng.choice("nrsk")
        names.add(word.capitalize())
    return sorted(names)


# Lexicon: English -> zz. "" means the word is dropped (zz has no articles).
NOUNS = {
    "president": "presiden",
    "prime minister": "perdana menteri",
    "minister": "menteri",
    "foreign minister": "menteri luar",
    "government": "kerajaan",
    "country": "negara",
    "city": "bandar",
    "war": "perang",
    "talks": "rundingan",
    "leader": "pemimpin",
    "oil": "minyak",
    "trade": "dagang",
    "agreement": "perjanjian",
    "election": "pilihan raya",
    "parliament": "parlimen",
    "army": "tentera",
    "economy": "ekonomi",
    "crisis": "krisis",
    "meeting": "mesyuarat",
    "border": "sempadan",
    "region": "wilayah",
    "ministry": "kementerian",
    "party": "parti",
    "official": "pegawai",
    "ceasefire": "gencatan",
    "budget": "belanjawan",
    "policy": "dasar",
    "report": "laporan",
    "company": "syarikat",
    "bank": "bank",
    "court": "mahkamah",
    "police": "polis",
    "school": "sekolah",
    "hospital": "hospital",
    "market": "pasaran",
    "visit": "lawatan",
    "statement": "kenyataan",
    "embassy": "kedutaan",
    "plan": "rancangan",
    "deal": "urusan",
    "sanctions": "sekatan",
    "attack": "serangan",
    "delegation": "delegasi",
    "conference": "persidangan",
    "project": "projek",
}
COUNT_NOUNS = {
    "people": "orang",
    "soldiers": "askar",
    "students": "pelajar",
    "workers": "pekerja",
    "refugees": "pelarian",
    "houses": "rumah",
    "tonnes": "tan",
    "percent": "peratus",
    "days": "hari",
    "years": "tahun",
    "ringgit": "ringgit",
    "dollars": "dolar",
    "delegates": "wakil",
}
ADJECTIVES = {
    "big": "besar",
    "new": "baru",
    "old": "lama",
    "Islamic": "Islam",
    "Malaysian": "Malaysia",
    "Iranian": "Iran",
    "Indonesian": "Indonesia",
    "economic": "ekonomi",
    "senior": "kanan",
    "former": "bekas",
    "military": "ketenteraan",
    "local": "tempatan",
    "national": "nasional",
    "small": "kecil",
    "important": "penting",
    "difficult": "sukar",
    "regional": "serantau",
    "strong": "kuat",
    "long": "panjang",
}
TITLES = {
    "President": "Presiden",
    "Prime Minister": "Perdana Menteri",
    "Minister": "Menteri",
    "Foreign Minister": "Menteri Luar",
    "Senator": "Senator",
    "Ambassador": "Duta",
    "General": "Jeneral",
    "Dr": "Dr",
}
# Transitive verbs taking a person or noun phrase.
TRANSITIVE = {
    "met": "bertemu",
    "called": "menelefon",
    "criticised": "mengkritik",
    "praised": "memuji",
    "supported": "menyokong",
    "warned": "memberi amaran kepada",
    "thanked": "berterima kasih kepada",
    "welcomed": "mengalu-alukan",
    "rejected": "menolak",
    "discussed": "membincangkan",
    "signed": "menandatangani",
    "announced": "mengumumkan",
    "approved": "meluluskan",
}
# Verbs taking a place.
PLACE_VERBS = {"visited": "melawat", "left": "meninggalkan", "reached": "tiba di"}
INTRANSITIVE = {
    "arrived": "tiba",
    "spoke": "bercakap",
    "resigned": "meletak jawatan",
    "agreed": "bersetuju",
    "returned": "kembali",
    "won": "menang",
    "refused": "enggan",
}
# Verbs with a count object ("killed 1,200 people").
COUNT_VERBS = {
    "killed": "membunuh",
    "sent": "menghantar",
    "lost": "kehilangan",
    "hired": "mengambil",
    "helped": "membantu",
}
DAYS = {
    "Monday": "Isnin",
    "Tuesday": "Selasa",
    "Wednesday": "Rabu",
    "Thursday": "Khamis",
    "Friday": "Jumaat",
    "Saturday": "Sabtu",
    "Sunday": "Ahad",
}
PERIODS = {"week": "minggu", "month": "bulan", "year": "tahun"}
FUNCTION = {
    "in": "di",
    "on": "pada",
    "with": "dengan",
    "about": "tentang",
    "that": "bahawa",
    "and": "dan",
    "last": "lalu",
    "this": "ini",
    "said": "berkata",
    "told": "memberitahu",
    "today": "hari ini",
    "will": "akan",
    "also": "juga",
}


@dataclass
class Phrase:
    en: list[str]
    zz: list[str]

    def __add__(self, other: Phrase) -> Phrase:
        return Phrase(self.en + other.en, self.zz + other.zz)


def _words(text: str) -> list[str]:
    return text.split() if text else []


def P(en: str, zz: str) -> Phrase:
    return Phrase(_words(en), _words(zz))


class Generator:
    """Draws parallel sentences from the toy grammar; every draw comes from one seeded RNG."""

    def __init__(self, seed: int, placeholder_rate: float = 0.12, repeat_digits: bool = False) -> None:
        self.rng = random.Random(seed)
        extra = generated_names(random.Random(seed + 1), 40)
        self.people = PEOPLE + extra[:25]
        self.places = PLACES + extra[25:]
        self.placeholder_rate = placeholder_rate
        # Phase-2 drill: numbers with runs of one digit (2000, 1,100, 77), which phase 1 copies badly.
        self.repeat_digits = repeat_digits
        self._used: set[int] = set()

    # --- pieces ------------------------------------------------------------------------------------
    def placeholder(self) -> Phrase:
        rng = self.rng
        for _ in range(20):
            n = rng.randint(1, 12) if rng.random() < 0.8 else rng.randint(1, PLACEHOLDER_MAX)
            if n not in self._used:
                break
        self._used.add(n)
        return P(f"ZXQ{n}", f"ZXQ{n}")

    def maybe_placeholder(self) -> Phrase | None:
        return self.placeholder() if self.rng.random() < self.placeholder_rate else None

    def name(self, pool: list[str]) -> Phrase:
        ph = self.maybe_placeholder()
        if ph:
            return ph
        name = self.rng.choice(pool)
        return P(name, respell(name))

    def person(self) -> Phrase:
        rng = self.rng
        r = rng.random()
        if r < 0.55:
            title = rng.choice(list(TITLES))
            return P(title, TITLES[title]) + self.name(self.people)
        if r < 0.85:
            return self.name(self.people)
        # "Iran's foreign minister" style avoided; use "the Iranian president".
        return self.noun_phrase(
            definite=True,
            noun_pool=["president", "prime minister", "minister", "foreign minister", "leader", "official"],
        )

    def place(self) -> Phrase:
        return self.name(self.places)

    def noun_phrase(self, definite: bool = True, noun_pool: list[str] | None = None) -> Phrase:
        rng = self.rng
        ph = self.maybe_placeholder() if rng.random() < 0.5 else None
        if ph:
            noun = ph
        else:
            key = rng.choice(noun_pool or list(NOUNS))
            noun = P(key, NOUNS[key])
        n_adj = rng.choices([0, 1, 2], weights=[4, 4, 2])[0]
        adjs = rng.sample(list(ADJECTIVES), n_adj)
        first = adjs[0] if adjs else noun.en[0]
        article = "an" if first[0] in "aeiouAEIOU" else "a"
        # Adjectives follow the noun, nearest first (mirror order, as in Malay).
        out = P("the", "") if definite else P(article, "sebuah")
        for a in adjs:
            out = out + P(a, "")
        out = out + noun
        for a in reversed(adjs):
            out = out + P("", ADJECTIVES[a])
        return out

    def number(self) -> str:
        rng = self.rng
        if self.repeat_digits and rng.random() < 0.6:
            return self.repeated_number()
        r = rng.random()
        if r < 0.35:
            return str(rng.randint(2, 99))
        if r < 0.6:
            return str(rng.randint(100, 999))
        if r < 0.8:
            return f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}"
        if r < 0.9:
            return f"{rng.randint(1, 99)}.{rng.randint(1, 9)}"
        return str(rng.randint(1000, 9999))

    def repeated_number(self) -> str:
        """A number whose digits repeat: 2000, 2010, 300, 77, 1,100, 5,005, 90,000."""
        rng = self.rng
        length = rng.randint(2, 6)
        digits = [str(rng.randint(1, 9))]
        while len(digits) < length:
            digits.append(digits[-1] if rng.random() < 0.6 else str(rng.randint(0, 9)))
        text = "".join(digits)
        if length >= 5 or (length == 4 and rng.random() < 0.3):
            text = f"{int(text):,}"
        return text

    def year(self) -> str:
        rng = self.rng
        if self.repeat_digits and rng.random() < 0.6:
            return rng.choice(
                [
                    "2000",
                    "2001",
                    "2002",
                    "2003",
                    "2005",
                    "2008",
                    "2009",
                    "2010",
                    "2011",
                    "2020",
                    "2022",
                    "2030",
                    "1999",
                    "1990",
                    "1998",
                    "1988",
                    "2100",
                    "1900",
                    "2200",
                ]
            )
        return str(rng.randint(1990, 2030))

    def count_phrase(self) -> Phrase:
        num = self.number()
        noun = self.rng.choice(list(COUNT_NOUNS))
        return P(num, num) + P(noun, COUNT_NOUNS[noun])

    def time(self) -> Phrase:
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            d = rng.choice(list(DAYS))
            return P(f"on {d}", f"pada {DAYS[d]}")
        if r < 0.65:
            p = rng.choice(list(PERIODS))
            return P(f"last {p}", f"{PERIODS[p]} lalu")
        if r < 0.85:
            y = self.year()
            return P(f"in {y}", f"pada {y}")
        if r < 0.93:
            return P("today", "hari ini")
        p = rng.choice(list(PERIODS))
        return P(f"this {p}", f"{PERIODS[p]} ini")

    def subject(self) -> Phrase:
        return self.person() if self.rng.random() < 0.6 else self.noun_phrase()

    def object(self) -> Phrase:
        return self.person() if self.rng.random() < 0.5 else self.noun_phrase(definite=self.rng.random() < 0.8)

    def predicate(self, allow_said: bool = True) -> Phrase:
        rng = self.rng
        r = rng.random()
        will = rng.random() < 0.1
        if r < 0.35:
            v = rng.choice(list(TRANSITIVE))
            verb = P(f"will {_base(v)}", f"akan {TRANSITIVE[v]}") if will else P(v, TRANSITIVE[v])
            out = verb + self.object()
            if rng.random() < 0.2:
                out = out + P("and", "dan") + self.object()
        elif r < 0.5:
            v = rng.choice(list(PLACE_VERBS))
            out = P(v, PLACE_VERBS[v]) + self.place()
        elif r < 0.62:
            v = rng.choice(list(INTRANSITIVE))
            out = P(v, INTRANSITIVE[v])
        elif r < 0.75:
            v = rng.choice(list(COUNT_VERBS))
            out = P(v, COUNT_VERBS[v]) + self.count_phrase()
        elif allow_said:
            out = P("said", "berkata")
            if rng.random() < 0.6:
                out = out + P("that", "bahawa")
            out = out + self.subject() + self.predicate(allow_said=False)
        else:
            v = rng.choice(list(TRANSITIVE))
            out = P(v, TRANSITIVE[v]) + self.object()
        # Optional adjuncts.
        if rng.random() < 0.3:
            out = out + P("in", "di") + self.place()
        if rng.random() < 0.15:
            out = out + P("with", "dengan") + self.person()
        if rng.random() < 0.12:
            out = out + P("about", "tentang") + self.noun_phrase()
        return out

    def sentence(self) -> tuple[str, str]:
        """One (en, zz) pair, 3-25 words, capitalised, with final punctuation."""
        rng = self.rng
        while True:
            self._used = set()
            body = self.subject() + self.predicate()
            front = rng.random() < 0.15
            if rng.random() < 0.35:
                t = self.time()
                if front:
                    body = Phrase(t.en[:-1] + [t.en[-1] + ","], t.zz[:-1] + [t.zz[-1] + ","]) + body
                else:
                    body = body + t
            if 3 <= len(body.en) <= 25 and body.zz:
                break
        en = _finish(body.en)
        zz = _finish(body.zz)
        return en, zz


def _base(verb: str) -> str:
    irregular = {
        "met": "meet",
        "called": "call",
        "criticised": "criticise",
        "praised": "praise",
        "supported": "support",
        "warned": "warn",
        "thanked": "thank",
        "welcomed": "welcome",
        "rejected": "reject",
        "discussed": "discuss",
        "signed": "sign",
        "announced": "announce",
        "approved": "approve",
    }
    return irregular[verb]


def _finish(words: list[str]) -> str:
    text = " ".join(words)
    text = text[0].upper() + text[1:]
    return text + "."


def is_placeholder(token: str) -> bool:
    return re.fullmatch(PLACEHOLDER_RE, token) is not None
