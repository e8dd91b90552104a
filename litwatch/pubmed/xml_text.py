"""Plain text of PubMed mixed-content elements: inline markup and MathML flattened without losing words.

Inline HTML-like markup (<i>, <b>, <sup>, <sub>, <u>) contributes its text exactly where it stands, so
"m<sup>2</sup>" reads "m2" and "(<i>TERT</i>)" reads "(TERT)": no space is invented inside a word and
every space of the source survives. MathML contributes its `alttext` when present, else the text of
its token elements (mi, mn, mo, mtext, ms) in reading order: the indentation between MathML elements
is layout, not text, and is dropped, while an <mtext> space is kept. Whitespace runs then collapse to
one space.
"""

from __future__ import annotations

from lxml import etree

MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"
_MATH = MATHML_NS + "math"
_MATHML_TOKENS = frozenset(MATHML_NS + name for name in ("mi", "mn", "mo", "mtext", "ms"))
_MPRESCRIPTS = MATHML_NS + "mprescripts"
_MMULTISCRIPTS = MATHML_NS + "mmultiscripts"
_MFRAC = MATHML_NS + "mfrac"
_MOVER = MATHML_NS + "mover"
# Accents set over a base (V̇O2, x̄) become the matching combining character on the base.
_COMBINING_ACCENTS = {
    ".": "\u0307",
    "˙": "\u0307",
    "¯": "\u0304",
    "‾": "\u0304",
    "^": "\u0302",
    "ˆ": "\u0302",
    "~": "\u0303",
    "˜": "\u0303",
    "→": "\u20d7",
}


def normalise_space(text: str) -> str:
    """Whitespace runs (newlines, tabs, no-break spaces...) become one space; the ends are stripped."""
    # Most text is already normal: checking that in C is several times cheaper than splitting it into
    # words. Every whitespace character but the ASCII space is unprintable, so isprintable() rules
    # them all out; anything unusual simply takes the split path.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def element_text(elem: etree._Element) -> str:
    """The element's full text with markup flattened and whitespace normalised."""
    if len(elem) == 0:
        text = elem.text
        return normalise_space(text) if text else ""
    parts: list[str] = []
    _append_mixed(elem, parts)
    return normalise_space("".join(parts))


def _append_mixed(elem: etree._Element, parts: list[str]) -> None:
    if elem.text:
        parts.append(elem.text)
    for child in elem:
        if child.tag == _MATH:
            parts.append(math_text(child))
        elif isinstance(child.tag, str):
            _append_mixed(child, parts)
        if child.tail:
            parts.append(child.tail)


def math_text(math: etree._Element) -> str:
    """Readable text of one <mml:math> element."""
    alttext = math.get("alttext")
    if alttext and alttext.strip():
        return alttext.strip()
    return _mathml_text(math)


def _mathml_text(elem: etree._Element) -> str:
    tag = elem.tag
    if tag in _MATHML_TOKENS:
        text = elem.text or ""
        # An <mtext> may be nothing but a space that separates two parts of the formula.
        return text if tag == MATHML_NS + "mtext" else text.strip()
    children = [child for child in elem if isinstance(child.tag, str)]
    if tag == _MMULTISCRIPTS:
        return _multiscripts_text(children)
    if tag == _MFRAC and len(children) == 2:
        return f"{_mathml_text(children[0])}/{_mathml_text(children[1])}"
    if tag == _MOVER and len(children) == 2:
        accent = _COMBINING_ACCENTS.get(_mathml_text(children[1]).strip())
        if accent:
            return _mathml_text(children[0]) + accent
    return "".join(_mathml_text(child) for child in children)


def _multiscripts_text(children: list[etree._Element]) -> str:
    """Prescripts are read first: <mmultiscripts>He<mprescripts/><none/>3</mmultiscripts> is "3He"."""
    split = next((i for i, child in enumerate(children) if child.tag == _MPRESCRIPTS), len(children))
    ordered = children[split + 1 :] + children[:split]
    return "".join(_mathml_text(child) for child in ordered)
