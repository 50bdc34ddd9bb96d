"""XLIFF 1.2 and 2.0: targets filled, inline codes kept, translators' work left alone, read back with lxml."""

from __future__ import annotations

import pytest
from lxml import etree

from dragoman.errors import InputError
from dragoman.formats import parse
from formats.conftest import reverse_upper

X12 = "urn:oasis:names:tc:xliff:document:1.2"
X20 = "urn:oasis:names:tc:xliff:document:2.0"

XLIFF_12 = f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="{X12}">
  <file original="story.docx" source-language="en" datatype="plaintext">
    <body>
      <trans-unit id="1"><source>The new <g id="b1">government</g> met.<x id="br"/> It said no.</source></trans-unit>
      <trans-unit id="2"><source>Done already.</source><target state="final">Sudah.</target></trans-unit>
      <trans-unit id="3" translate="no"><source>CODE</source></trans-unit>
      <group id="g"><trans-unit id="4"><source>In a group.</source><target state="new"/></trans-unit></group>
    </body>
  </file>
</xliff>
"""

XLIFF_20 = f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="{X20}" version="2.0" srcLang="en">
 <file id="f1">
  <unit id="u1">
   <segment><source>Read the <pc id="1">full report</pc> online.<ph id="2"/></source></segment>
   <segment state="reviewed"><source>Kept.</source><target>Simpan.</target></segment>
  </unit>
 </file>
</xliff>
"""


def test_xliff_12_fills_targets_with_state_and_notes() -> None:
    document = parse(XLIFF_12, "xliff", "en", "job.xlf")
    assert [s.text for s in document.segments] == ["The new government met.", "It said no.", "In a group."]
    assert document.translated_units == [("Done already.", "Sudah.")]
    outputs = [reverse_upper(s) for s in document.segments]
    outputs[1].findings = ["glossary x: violated (no -> tidak)"]
    root = etree.fromstring(document.render(outputs, "fa").encode("utf-8"))
    ns = {"x": X12}
    units = root.findall(".//x:trans-unit", ns)
    assert [u.get("id") for u in units] == ["1", "2", "3", "4"]
    assert root.find("x:file", ns).get("target-language") == "fa"
    first = units[0].find("x:target", ns)
    assert first.get("state") == "needs-review-translation"
    assert etree.tostring(first, encoding="unicode", with_tail=False).split(">", 1)[1] == (
        'MET. <g id="b1">GOVERNMENT</g> NEW THE<x id="br"/> NO. SAID IT</target>'
    )
    assert [n.text for n in units[0].findall("x:note", ns)] == ["glossary x: violated (no -> tidak)"]
    assert units[1].find("x:target", ns).text == "Sudah." and units[1].find("x:target", ns).get("state") == "final"
    assert units[2].find("x:target", ns) is None
    assert (
        units[3].find("x:target", ns).text == "GROUP. A IN"
        and units[3].find("x:target", ns).get("state") == "translated"
    )
    assert units[3].findall("x:note", ns) == []


def test_xliff_20_fills_targets_after_sources() -> None:
    document = parse(XLIFF_20, "xliff", "en", "job.xlf")
    assert [s.text for s in document.segments] == ["Read the full report online."]
    root = etree.fromstring(document.render([reverse_upper(s) for s in document.segments], "ms").encode("utf-8"))
    ns = {"x": X20}
    assert root.get("trgLang") == "ms"
    segments = root.findall(".//x:segment", ns)
    assert [s.get("state") for s in segments] == ["translated", "reviewed"]
    assert [child.tag.split("}")[1] for child in segments[0]] == ["source", "target"]
    target = segments[0].find("x:target", ns)
    assert etree.tostring(target, encoding="unicode", with_tail=False).split(">", 1)[1] == (
        'ONLINE. <pc id="1">REPORT FULL</pc> THE READ<ph id="2"/></target>'
    )
    assert segments[1].find("x:target", ns).text == "Simpan."
    assert root.find(".//x:notes", ns) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<xliff><file/>", "job.xlf:1: is not well-formed XML"),
        (
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
            "job.xlf: declares a DTD (entities are refused: XML external entity risk)",
        ),
        ("<root/>", "job.xlf: is not XLIFF 1.2 or 2.0 (root element 'root' in no namespace)"),
    ],
)
def test_bad_xliff_is_one_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        parse(text, "xliff", "en", "job.xlf")
    assert str(err.value).startswith(message) and "\n" not in str(err.value)
