"""Issue 14: a newcomer reading "C4" in a docstring finds it in docs/spec-ids.md."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A quoted "S26" is data (a season code), not a reference to the spec.
SPEC_ID = re.compile(r"(?<![\"'])\b[BCFLRSWX][0-9]{1,2}\b(?![\"'])")


def test_every_spec_id_named_in_the_code_is_in_the_glossary():
    glossary = set(
        re.findall(
            r"^- \*\*([A-Z][0-9]{1,2})\*\* \S", (ROOT / "docs/spec-ids.md").read_text(), re.M
        )
    )
    assert {"C4", "F4", "S1", "X1"} <= glossary
    named = {}
    for part in ("ticketshop", "secutix_integration", "site", "tests"):
        for path in (ROOT / part).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for spec_id in SPEC_ID.findall(path.read_text(encoding="utf-8")):
                named.setdefault(spec_id, str(path.relative_to(ROOT)))
    missing = {spec_id: where for spec_id, where in named.items() if spec_id not in glossary}
    assert not missing, missing
