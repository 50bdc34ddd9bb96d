"""Write tests/data/ntrex/glossary.yaml: names and terms as the NTREX-128 Persian and Malay translators rendered them.

The table below was made by hand: for each term, the renderings were read off the reference lines
(tests/data/ntrex/newstest2019-ref.{fas,msa}.txt) where the English source has the term. The
preferred rendering is what the translators wrote most often; other spellings they used are admitted
variants, so that `dragoman check` on the real references reports them as warnings, and what remains as
errors are real deviations (a name left out, a typo, a rendering that differs), listed with the reason in
tests/data/ntrex/expected-{fa,ms}.tsv. Run from the repository root:

    .venv/bin/python tools/build_ntrex_glossary.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "ntrex" / "glossary.yaml"

# id, type, en, fa (preferred, variants), ms (preferred, variants), dnt
Term = tuple[str, str, str, tuple[str, list[str]], tuple[str, list[str]], bool]
TERMS: list[Term] = [
    ("donald-trump", "person", "Donald Trump", ("دونالد ترامپ", []), ("Donald Trump", []), False),
    ("trump", "person", "Trump", ("ترامپ", []), ("Trump", []), False),
    (
        "brett-kavanaugh",
        "person",
        "Brett Kavanaugh",
        ("برت کاوانو", ["برت کاوانا", "Brett Kavanaugh"]),
        ("Brett Kavanaugh", []),
        False,
    ),
    ("kavanaugh", "person", "Kavanaugh", ("کاوانو", ["کاوانا", "Kavanaugh"]), ("Kavanaugh", []), False),
    ("pelosi", "person", "Pelosi", ("پلوسی", []), ("Pelosi", []), False),
    ("ronaldo", "person", "Ronaldo", ("رونالدو", []), ("Ronaldo", []), False),
    ("indonesia", "place", "Indonesia", ("اندونزی", []), ("Indonesia", []), False),
    ("palu", "place", "Palu", ("پالو", ["Palu"]), ("Palu", []), False),
    ("jakarta", "place", "Jakarta", ("جاکارتا", []), ("Jakarta", []), False),
    ("washington", "place", "Washington", ("واشنگتن", []), ("Washington", []), False),
    ("new-york", "place", "New York", ("نیویورک", []), ("New York", []), False),
    ("united-states", "place", "United States", ("ایالات متحده", ["آمریکا"]), ("Amerika Syarikat", []), False),
    ("us", "place", "US", ("آمریکا", ["ایالات متحده", "آمریکایی"]), ("AS", ["A.S.", "Amerika Syarikat"]), False),
    ("europe", "place", "Europe", ("اروپا", []), ("Eropah", []), False),
    ("european-union", "organization", "European Union", ("اتحادیه اروپا", []), ("Kesatuan Eropah", ["EU"]), False),
    ("britain", "place", "Britain", ("بریتانیا", ["انگلیس"]), ("Britain", []), False),
    ("scotland", "place", "Scotland", ("اسکاتلند", []), ("Scotland", []), False),
    ("london", "place", "London", ("لندن", []), ("London", []), False),
    ("paris", "place", "Paris", ("پاریس", []), ("Paris", []), False),
    ("germany", "place", "Germany", ("آلمان", []), ("Jerman", []), False),
    ("russia", "place", "Russia", ("روسیه", []), ("Rusia", []), False),
    ("moscow", "place", "Moscow", ("مسکو", []), ("Moscow", []), False),
    ("macedonia", "place", "Macedonia", ("مقدونیه", []), ("Macedonia", []), False),
    ("mexico", "place", "Mexico", ("مکزیک", []), ("Mexico", []), False),
    ("bolivia", "place", "Bolivia", ("بولیوی", []), ("Bolivia", []), False),
    ("china", "place", "China", ("چین", []), ("China", []), False),
    ("beijing", "place", "Beijing", ("پکن", []), ("Beijing", []), False),
    ("north-korea", "place", "North Korea", ("کره شمالی", []), ("Korea Utara", []), False),
    ("pyongyang", "place", "Pyongyang", ("پیونگ‌یانگ", []), ("Pyongyang", []), False),
    ("singapore", "place", "Singapore", ("سنگاپور", []), ("Singapura", []), False),
    ("syria", "place", "Syria", ("سوریه", []), ("Syria", []), False),
    ("white-house", "organization", "White House", ("کاخ سفید", []), ("Rumah Putih", ["White House"]), False),
    ("senate", "organization", "Senate", ("سنا", []), ("Senat", []), False),
    ("congress", "organization", "Congress", ("کنگره", []), ("Kongres", []), False),
    ("nato", "organization", "NATO", ("ناتو", []), ("NATO", []), False),
    ("fbi", "organization", "FBI", ("FBI", ["اف‌بی‌آی"]), ("FBI", []), False),
    ("reuters", "organization", "Reuters", ("رویترز", []), ("Reuters", []), False),
    ("google", "organization", "Google", ("گوگل", []), ("Google", []), False),
    (
        "republicans",
        "organization",
        "Republicans",
        ("جمهوری‌خواهان", ["جمهوری‌خواه‌ها"]),
        ("Republikan", ["Republican"]),
        False,
    ),
    # Titles of publications and bodies the translators kept in Latin letters.
    (
        "washington-examiner",
        "organization",
        "Washington Examiner",
        ("Washington Examiner", []),
        ("Washington Examiner", []),
        True,
    ),
    ("mexico-city", "place", "Mexico City", ("مکزیکو سیتی", []), ("Mexico City", ["Bandar Raya Mexico"]), False),
    ("london-gazette", "organization", "London Gazette", ("London Gazette", []), ("London Gazette", []), True),
    ("national-trust-for-scotland", "organization", "National Trust for Scotland", ("", []), ("", []), True),
    ("google-drive", "term", "Google Drive", ("", []), ("", []), True),
    ("china-daily", "organization", "China Daily", ("", []), ("", []), True),
    ("new-york-times", "organization", "New York Times", ("New York Times", []), ("New York Times", []), True),
]


def build() -> dict[str, object]:
    entries = []
    for entry_id, kind, en, (fa, fa_var), (ms, ms_var), dnt in TERMS:
        terms: dict[str, object] = {"en": en}
        if not dnt:
            terms["ms"] = {"term": ms, "variants": ms_var} if ms_var else ms
            terms["fa"] = {"term": fa, "variants": fa_var} if fa_var else fa
        entry: dict[str, object] = {"id": entry_id, "type": kind, "terms": terms}
        if dnt:
            entry["dnt"] = True
        entries.append(entry)
    return {"version": 1, "languages": ["en", "ms", "fa"], "entries": entries}


def main() -> int:
    header = (
        "# Derived from NTREX-128 (Federmann, Kocmi and Xin, 2022), CC BY-SA 4.0: the renderings the\n"
        "# professional Persian and Malay translators of newstest2019 used. Generated by\n"
        "# tools/build_ntrex_glossary.py; edit the table there, not this file.\n"
    )
    text = yaml.safe_dump(build(), allow_unicode=True, sort_keys=False, width=120)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(header + text, encoding="utf-8")
    print(f"wrote {OUT} ({len(TERMS)} entries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
