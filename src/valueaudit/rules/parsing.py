"""VA101, VA102, VA107, VA109: problems the loader meets while reading a file.

The loader (:mod:`valueaudit.loading`) reports these itself, with the position the
parser or the validator gives; this module holds their documentation.
"""

from __future__ import annotations

from valueaudit.findings import Severity
from valueaudit.rules.base import documented

VA101 = documented(
    "VA101",
    "invalid-yaml",
    Severity.ERROR,
    "The file is not valid YAML.",
    """
    **What it finds.** Text the YAML parser cannot read: a missing colon, a bad indent,
    an unclosed quote or bracket, a character YAML forbids. Tags that would build
    anything but plain data (``!!python/object``, ``!custom``) are refused here too:
    valueaudit only ever loads YAML safely.

    **Why it matters.** Nothing in a file that does not parse can be audited; the
    message and position come from the parser so the fix is where it points.
    """,
    stage="load",
    bad="""
touchpoints:
  - id: payment
    flows: [{from: customer, to: company
""",
    good="""
touchpoints:
  - id: payment
    flows: [{from: customer, to: company, gives: payment, kind: money}]
""",
)

VA102 = documented(
    "VA102",
    "not-the-format",
    Severity.ERROR,
    "The document does not match the process format.",
    """
    **What it finds.** A document that is YAML but not a valueaudit process: a missing
    required key, an unknown key (with a "did you mean"), a wrong type, a value outside
    an enumeration, a value outside ``0..scale``, a range with ``low > high``, an id
    that is not a slug, a flow from a party to itself. One finding per problem.

    **Why it matters.** Every score rests on these fields meaning what the format says.
    An unknown key is usually a typo that silently drops information.

    YAML 1.1 reads unquoted ``yes``, ``no``, ``on`` and ``off`` as booleans; where text
    is expected, the message says to quote the value.
    """,
    stage="load",
    bad="""
touchpoints:
  - id: payment
    practise: charging        # unknown key: did you mean 'practice'?
    flows:
      - {from: customer, to: company, gives: no, kind: money}   # 'no' is a boolean
""",
    good="""
touchpoints:
  - id: payment
    practice: charging
    flows:
      - {from: customer, to: company, gives: "no", kind: money}
""",
)

VA107 = documented(
    "VA107",
    "duplicate-key",
    Severity.ERROR,
    "A key appears twice in one YAML mapping.",
    """
    **What it finds.** The same key twice in one mapping. The YAML specification
    forbids it; most loaders silently keep the last one, so half of what was written is
    lost without a word. valueaudit keeps the first and reports the second.

    **Why it matters.** A duplicated ``value`` or ``to`` usually means two edits
    collided; the audit would rest on whichever happened to win.
    """,
    stage="load",
    bad="""
flows:
  - {from: customer, to: company, gives: payment, kind: money, value: 8, value: 6}
""",
    good="""
flows:
  - {from: customer, to: company, gives: payment, kind: money, value: 8}
""",
)

VA109 = documented(
    "VA109",
    "unreadable-file",
    Severity.ERROR,
    "The file cannot be read safely.",
    """
    **What it finds.** A file that is not UTF-8 (or is UTF-16, or holds NUL bytes),
    is larger than the limit, nests deeper than the limit, expands aliases past the
    limit (a "billion laughs" bomb), has an alias inside itself, or cannot be opened.

    **Why it matters.** valueaudit runs unattended in CI on files anyone can change in
    a pull request; it refuses such input quickly instead of hanging or crashing, and
    goes on with the other files.
    """,
    stage="load",
    bad="""
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
""",
    good="""
# Plain data, saved as UTF-8.
valueaudit: 1
id: invoice-payment
""",
)

RULES = (VA101, VA102, VA107, VA109)
