"""Make the text of a Qt-written PDF read back as it was written (search, copy, pdftotext).

Qt's PDF writer builds each font's ToUnicode map by asking, for every code point of the
Basic Multilingual Plane in turn, which glyph it maps to, and keeps the first. With the
CJK fonts this goes wrong twice:

- a font draws 网 and the Kangxi radical ⽹ (U+2F79) with one glyph, and the radical
  comes first, so 网 reads back as ⽹ (月 as ⽉, 人 as ⼈ …);
- characters beyond the BMP (𠮷 U+20BB7, rarer names of people and places) get no
  entry at all and vanish from the text.

`repair_pdf_text` rewrites those maps after the file is written: radicals become the
ideographs they stand for, and the glyphs that have no entry are given the characters
the painter drew with them. A font's glyphs are numbered in the order they were first
drawn, so its k-th unmapped glyph is the k-th distinct such character drawn in that
font; when the counts do not agree, that font's map is left as it was. Only the
ToUnicode streams change; object offsets in the cross-reference table are moved to match.

No Qt here: it works on the bytes of the file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_OBJECT = re.compile(rb"(\d+) 0 obj")
_TYPE0 = re.compile(rb"/BaseFont /([^\s/]+)\s*/Encoding /Identity-H\s*/DescendantFonts \[(\d+) 0 R\]"
                    rb"\s*/ToUnicode (\d+) 0 R")
_WIDTHS = re.compile(rb"/W \[(.*?)\]\s*>>", re.S)
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4})> (\[[^\]]*\]|<[0-9A-Fa-f]+>)")


FontKey = tuple[str, bool]  # family, bold
RADICALS = range(0x2E80, 0x2FE0)  # CJK Radicals Supplement and Kangxi Radicals


@dataclass
class DrawnText:
    """What the painter drew, per font: enough to put the PDF's text maps right."""

    beyond_bmp: dict[FontKey, list[str]] = field(default_factory=dict)  # in first-drawn order
    characters: dict[FontKey, set[str]] = field(default_factory=dict)
    # radical -> the drawn ideograph that has the same glyph; filled in by the painter's
    # side, which can ask the font (see printing.radicals_in_use).
    radicals: dict[FontKey, dict[str, str]] = field(default_factory=dict)

    def record(self, family: str, bold: bool, text: str) -> None:
        key = (family, bold)
        self.characters.setdefault(key, set()).update(text)
        for ch in text:
            if ord(ch) > 0xFFFF:
                seen = self.beyond_bmp.setdefault(key, [])
                if ch not in seen:
                    seen.append(ch)

    def key_of(self, base_font: str) -> FontKey | None:
        """The drawn font that is the PDF font `base_font` (e.g. NotoSerifCJKsc-Bold)."""
        name = re.sub(r"^[A-Z]{6}\+", "", base_font)
        family, _, style = name.partition("-")
        for key in self.characters:
            drawn_family, bold = key
            if (drawn_family.replace(" ", "").lower() == family.lower()
                    and bold == ("bold" in style.lower())):
                return key
        return None

    def ideograph(self, key: FontKey | None, text: str) -> str:
        """`text` with a radical read as the ideograph that was drawn with its glyph."""
        if len(text) != 1 or ord(text) not in RADICALS:
            return text
        drawn = self.radicals.get(key, {}).get(text) if key else None
        if drawn:
            return drawn
        normal = unicodedata.normalize("NFKC", text)
        return normal if len(normal) == 1 else text


def _cid_count(descendant: bytes) -> int:
    found = _WIDTHS.search(descendant)
    if not found:
        return 0
    tokens = re.findall(rb"\[[^\]]*\]|\d+", found.group(1))
    top, i = 0, 0
    while i < len(tokens):
        start = int(tokens[i])
        if i + 1 < len(tokens) and tokens[i + 1].startswith(b"["):
            top = max(top, start + len(tokens[i + 1][1:-1].split()))
            i += 2
        else:
            top = max(top, int(tokens[i + 1]) + 1)
            i += 3
    return top


def _parse_cmap(stream: bytes) -> dict[int, str]:
    mapping = {}
    for start, end, target in _BFRANGE.findall(stream):
        first, last = int(start, 16), int(end, 16)
        if target.startswith(b"["):
            for offset, hexcode in enumerate(re.findall(rb"<([0-9A-Fa-f]+)>", target)):
                mapping[first + offset] = bytes.fromhex(hexcode.decode()).decode("utf-16-be")
        else:
            base = int(target[1:-1], 16)
            for cid in range(first, last + 1):
                mapping[cid] = chr(base + cid - first)
    return mapping


def _write_cmap(mapping: dict[int, str]) -> bytes:
    lines = []
    for cid in sorted(mapping):
        text = mapping[cid].encode("utf-16-be").hex().upper()
        lines.append(f"<{cid:04X}> <{text}>")
    chunks = [lines[i:i + 100] for i in range(0, len(lines), 100)]
    body = "".join(f"{len(c)} beginbfchar\n" + "\n".join(c) + "\nendbfchar\n" for c in chunks)
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + body +
            "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode("ascii")


class _Pdf:
    """A classic (table) cross-reference PDF as Qt writes it, objects as byte ranges."""

    def __init__(self, data: bytes):
        self.data = data
        start = int(re.search(rb"startxref\s+(\d+)", data[-64:]).group(1))
        table = re.match(rb"xref\s+0 (\d+)\s+", data[start:])
        self.xref_at = start
        count = int(table.group(1))
        entries = data[start + table.end(): start + table.end() + 20 * count]
        self.offsets = {n: int(entries[20 * n: 20 * n + 10]) for n in range(1, count)
                        if entries[20 * n + 17: 20 * n + 18] == b"n"}

    def span(self, number: int) -> tuple[int, int]:
        start = self.offsets[number]
        return start, self.data.index(b"endobj", start) + len(b"endobj")

    def body(self, number: int) -> bytes:
        start, end = self.span(number)
        return self.data[start:end]

    def rebuilt(self, replacements: dict[int, bytes]) -> bytes:
        """The file with whole objects replaced and the cross-reference table redone."""
        order = sorted(self.offsets, key=self.offsets.get)
        out = bytearray(self.data[: self.offsets[order[0]]])
        new_offsets = {}
        for i, number in enumerate(order):
            start = self.offsets[number]
            end = self.offsets[order[i + 1]] if i + 1 < len(order) else self.xref_at
            new_offsets[number] = len(out)
            if number in replacements:
                _, obj_end = self.span(number)
                out += replacements[number] + self.data[obj_end:end]
            else:
                out += self.data[start:end]
        xref_at = len(out)
        count = max(self.offsets) + 1
        out += f"xref\n0 {count}\n0000000000 65535 f \n".encode()
        for n in range(1, count):
            out += (f"{new_offsets[n]:010d} 00000 n \n" if n in new_offsets
                    else "0000000000 65535 f \n").encode()
        trailer = self.data[self.data.index(b"trailer", self.xref_at):]
        trailer = re.sub(rb"startxref\s+\d+", f"startxref\n{xref_at}".encode(), trailer)
        return bytes(out) + trailer


def repair_pdf_text(data: bytes, drawn: DrawnText) -> bytes:
    """`data` with its fonts' ToUnicode maps corrected (see the module's docstring)."""
    try:
        return _repaired(data, drawn)
    except (AttributeError, IndexError, KeyError, ValueError):
        return data  # not laid out as Qt writes a PDF: better wrong text than no file


def _repaired(data: bytes, drawn: DrawnText) -> bytes:
    pdf = _Pdf(data)
    replacements = {}
    for number in pdf.offsets:
        found = _TYPE0.search(pdf.body(number))
        if not found:
            continue
        base_font = found.group(1).decode("latin-1")
        descendant, cmap_number = int(found.group(2)), int(found.group(3))
        stream = pdf.body(cmap_number)
        key = drawn.key_of(base_font)
        mapping = {cid: drawn.ideograph(key, text) for cid, text in _parse_cmap(stream).items()}
        unmapped = [cid for cid in range(1, _cid_count(pdf.body(descendant)))
                    if cid not in mapping]
        extra = drawn.beyond_bmp.get(key, []) if key else []
        if unmapped and len(extra) == len(unmapped):
            mapping.update(zip(unmapped, extra))
        cmap = _write_cmap(mapping)
        replacements[cmap_number] = (f"{cmap_number} 0 obj\n<< /Length {len(cmap)} >>\nstream\n"
                                     .encode() + cmap + b"\nendstream\nendobj")
    return pdf.rebuilt(replacements) if replacements else data
