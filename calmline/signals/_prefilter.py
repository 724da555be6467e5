"""Cheap necessary conditions for regular expressions, derived from their syntax.

A rule detector runs a pattern whenever one of its trigger words is present, yet
most such messages cannot match: "people" triggers a dozen threat patterns that
also need "going to ... twitter". :func:`token_clauses` reads a compiled pattern's
syntax tree and finds *words that every match must contain as whole tokens*, as a
list of clauses: each clause is a set of words of which at least one must be among
the message's tokens (``Message.token_set``). ``\\bthanks for (?:nothing|your
help)\\b``, for instance, needs ``{"thanks"}``, ``{"for"}`` and ``{"nothing",
"help"}``. When a clause is disjoint from the tokens the pattern cannot match, so
the detector skips ``finditer``: matches are unchanged, only the work is saved.

How it works: every match of a sequence contains the concatenation of its literal
parts (small alternations and optional parts are expanded, up to a limit). In such
a literal, a run of letters and digits that is bounded on both sides by a
non-alphanumeric character or by ``\\b``/``^``/``$`` is a whole token wherever the
literal occurs (tokens are maximal runs of ``[^\\W_]``, the same characters ``\\b``
looks at). Anything the analysis does not understand (case-insensitive flags,
back-references, unknown opcodes) simply yields no clause, which is always safe.
"""

from __future__ import annotations

import functools
import importlib
import re
import threading
from itertools import chain
from typing import Any

from calmline.signals import _plancache

__all__ = ["is_affix_clause", "split_branches", "token_clauses", "with_affixes"]

_parser: Any = importlib.import_module("re._parser")
_LITERAL: Any = importlib.import_module("re._constants").LITERAL

#: the most strings a literal run may expand to (products of small alternations)
_LIMIT = 32
#: the most characters a character class may expand to
_CLASS_LIMIT = 4
#: the most clauses kept per pattern (each costs one ``isdisjoint``)
_MAX_CLAUSES = 6
#: stands for a zero-width word boundary inside a literal (never a real character here)
_EDGE = "\x01"
_EDGE_AT = frozenset(
    {
        "AT_BOUNDARY",
        "AT_BEGINNING",
        "AT_BEGINNING_LINE",
        "AT_BEGINNING_STRING",
        "AT_END",
        "AT_END_LINE",
        "AT_END_STRING",
    }
)
# Very common words: a clause made of them rules out little, so it is tried last.
_COMMON = frozenset(
    {
        "i", "you", "u", "the", "a", "an", "to", "it", "is", "my", "me", "and", "of", "in", "on", "for", "this",
        "that", "be", "are", "so", "just", "not", "no", "do", "at", "with", "your", "we", "have", "will", "get",
        "all", "was", "can", "what", "im", "i'm", "they", "he", "she", "there", "their", "them", "out", "up",
        "if", "or", "as", "but", "by",
    }
)  # fmt: skip

# A requirement is ``None`` (no condition), ``("lit", strings)`` (one of these
# literals occurs), ``("and", parts)`` or ``("or", parts)``.
Req = tuple[str, Any] | None
Lang = frozenset[str] | None


def _lit(strings: frozenset[str]) -> Req:
    if any(not s.strip(_EDGE) for s in strings):
        return None  # the empty string (or only boundaries) may match: no condition
    if len(strings) > 12:  # dropping strings that contain another one is optional: skip it when costly
        return ("lit", strings)
    # a string containing another string of the set is implied by it
    kept = frozenset(s for s in strings if not any(o != s and o in s for o in strings))
    return ("lit", kept)


def _and(parts: list[Req]) -> Req:
    flat: list[tuple[str, Any]] = []
    for p in parts:
        if p is None:
            continue
        if p[0] == "and":
            flat.extend(p[1])
        else:
            flat.append(p)
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else ("and", flat)


def _or(parts: list[Req]) -> Req:
    if not parts or any(p is None for p in parts):
        return None
    flat = [p for p in parts if p is not None]
    return flat[0] if len(flat) == 1 else ("or", flat)


def _class_lang(items: list[tuple[Any, Any]]) -> Lang:
    chars: set[str] = set()
    for op, av in items:
        name = op.name
        if name == "LITERAL":
            chars.add(chr(av))
        elif name == "RANGE" and av[1] - av[0] < _CLASS_LIMIT:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:  # NEGATE, CATEGORY, big ranges
            return None
        if len(chars) > _CLASS_LIMIT:
            return None
    return frozenset(chars)


# Edge states of one side of a (sub)pattern: every match has a non-alphanumeric
# character or a word boundary there (EDGE); it may match nothing there and assert
# nothing, so the neighbour decides (OPEN); anything else (NO).
EDGE, OPEN, NO = 0, 1, 2
_EDGE_CATEGORIES = frozenset({"CATEGORY_SPACE", "CATEGORY_NOT_WORD", "CATEGORY_LINEBREAK"})


def _is_edge_char(ch: str) -> bool:
    return ch == _EDGE or not ch.isalnum()


def _class_is_edge(items: list[tuple[Any, Any]]) -> bool:
    for op, av in items:
        name = op.name
        if name == "LITERAL":
            if not _is_edge_char(chr(av)):
                return False
        elif name == "RANGE":
            if any(chr(c).isalnum() for c in range(av[0], av[1] + 1)):
                return False
        elif name == "CATEGORY":
            if av.name not in _EDGE_CATEGORIES:
                return False
        else:  # NEGATE and anything else
            return False
    return True


def _lang_state(lang: frozenset[str], at_end: bool) -> int:
    empty = False
    for s in lang:
        if not s:
            empty = True
        elif not _is_edge_char(s[-1] if at_end else s[0]):
            return NO
    return OPEN if empty else EDGE


def _state(op: Any, av: Any, at_end: bool) -> int:
    """The edge state of the start (or end) of one opcode."""
    name = op.name
    if name == "LITERAL":
        return EDGE if _is_edge_char(chr(av)) else NO
    if name == "STRING":
        return EDGE if _is_edge_char(av[-1] if at_end else av[0]) else NO
    if name == "AT":
        return EDGE if av.name in _EDGE_AT else OPEN
    if name in ("ASSERT", "ASSERT_NOT"):
        return OPEN
    if name == "IN":
        return EDGE if _class_is_edge(av) else NO
    if name == "SUBPATTERN":
        return _seq_state(av[3], at_end)
    if name == "ATOMIC_GROUP":
        return _seq_state(av, at_end)
    if name == "BRANCH":
        states = {_seq_state(b, at_end) for b in av[1]}
        return NO if NO in states else (OPEN if OPEN in states else EDGE)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        st = _seq_state(av[2], at_end)
        return OPEN if (av[0] == 0 and st == EDGE) else st
    return NO


_STATES: dict[tuple[int, bool], int] = {}  # (id of a subpattern, at_end) -> state, for one analysis


def _seq_state(sub: Any, at_end: bool) -> int:
    key = (id(sub), at_end)
    st = _STATES.get(key)
    if st is None:
        st = _STATES[key] = _seq_state_uncached(sub, at_end)
    return st


def _seq_state_uncached(sub: Any, at_end: bool) -> int:
    items = _merged(sub.data)
    for op, av in reversed(items) if at_end else items:
        st = _state(op, av, at_end)
        if st != OPEN:
            return st
    return OPEN


def _item(op: Any, av: Any, left: bool, right: bool) -> tuple[Lang, Req]:
    """(finite language or None, requirement) of one opcode.

    ``left``/``right``: the match of this opcode is preceded/followed by a
    non-alphanumeric character or a word boundary (so its edge words are whole).
    """
    name = op.name
    if name == "LITERAL":  # (a finite item's requirement is its language: the caller uses that)
        return frozenset({chr(av)}), None
    if name == "STRING":
        return frozenset({av}), None
    if name == "AT":
        return frozenset({_EDGE if av.name in _EDGE_AT else ""}), None
    if name in ("ASSERT", "ASSERT_NOT"):  # zero width: consumes nothing
        return frozenset({""}), None
    if name == "IN":
        lang = _class_lang(av)
        return lang, (_lit(lang) if lang is not None else None)
    if name == "SUBPATTERN":
        _group, add_flags, _del_flags, sub = av
        if add_flags & re.IGNORECASE:
            return None, None
        return _seq(sub, left, right)
    if name == "ATOMIC_GROUP":
        return _seq(av, left, right)
    if name == "BRANCH":
        return _branch_item(av, left, right)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        lo, hi, sub = av
        if lo == 1 and hi == 1:
            return _seq(sub, left, right)
        lang, req = _seq(sub, left and lo == 1 and hi == 1, right and lo == 1 and hi == 1)
        if lo == 0 and hi == 1 and lang is not None:
            return lang | {""}, None
        return None, (req if lo >= 1 else None)
    return None, None  # ANY, NOT_LITERAL, GROUPREF, GROUPREF_EXISTS, ...


def _branch_item(av: Any, left: bool, right: bool) -> tuple[Lang, Req]:
    union = _lang_of(_BRANCH_OP, av)
    if union is not None:  # a small finite set of strings: that is all there is to know
        return union, _lit(_wrap(union, left, right))
    return None, _or([_seq(b, left, right)[1] for b in av[1]])


class _BranchOp:
    name = "BRANCH"


_BRANCH_OP = _BranchOp()


def _lang_of(op: Any, av: Any) -> Lang:
    """The finite language of one opcode (at most ``_LIMIT`` strings), or None: ``_item(...)[0]``, faster."""
    name = op.name
    if name == "LITERAL":
        return frozenset({chr(av)})
    if name == "STRING":
        return frozenset({av})
    if name == "AT":
        return frozenset({_EDGE if av.name in _EDGE_AT else ""})
    if name in ("ASSERT", "ASSERT_NOT"):
        return frozenset({""})
    if name == "IN":
        return _class_lang(av)
    if name == "SUBPATTERN":
        return None if av[1] & re.IGNORECASE else _seq_lang(av[3])
    if name == "ATOMIC_GROUP":
        return _seq_lang(av)
    if name == "BRANCH":
        union: set[str] = set()
        for b in av[1]:
            lang = _seq_lang(b)
            if lang is None:
                return None
            union |= lang
            if len(union) > _LIMIT:
                return None
        return frozenset(union)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        lo, hi, sub = av
        if lo == 1 and hi == 1:
            return _seq_lang(sub)
        if lo == 0 and hi == 1:
            lang = _seq_lang(sub)
            return None if lang is None else lang | {""}
    return None


def _seq_lang(sub: Any) -> Lang:
    """The finite language of a sequence (as ``_seq(sub)[0]``), or None."""
    run: frozenset[str] = frozenset({""})
    for op, av in _merged(sub.data):
        lang = _lang_of(op, av)
        if lang is None or len(run) * len(lang) > _LIMIT:
            return None
        run = frozenset([a + b for a in run for b in lang]) if len(lang) > 1 or len(run) > 1 else _cat(run, lang)
    return run


def _wrap(lang: frozenset[str], left: bool, right: bool) -> frozenset[str]:
    pre = _EDGE if left else ""
    post = _EDGE if right else ""
    return frozenset(pre + s + post for s in lang)


class _Op:
    """A pseudo opcode: several literal characters in a row."""

    name = "STRING"


_STRING = _Op()


_MERGED: dict[int, list[tuple[Any, Any]]] = {}  # id of a subpattern's data -> merged items, for one analysis


def _merged(data: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """``data`` with runs of LITERAL opcodes merged into one STRING item."""
    got = _MERGED.get(id(data))
    if got is None:
        got = _MERGED[id(data)] = _merged_uncached(data)
    return got


def _merged_uncached(data: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    out: list[tuple[Any, Any]] = []
    chars: list[str] = []
    for op, av in data:
        if op.name == "LITERAL":
            chars.append(chr(av))
            continue
        if chars:
            out.append((_STRING, "".join(chars)) if len(chars) > 1 else (_LITERAL, ord(chars[0])))
            chars = []
        out.append((op, av))
    if chars:
        out.append((_STRING, "".join(chars)) if len(chars) > 1 else (_LITERAL, ord(chars[0])))
    return out


def _seq(sub: Any, left: bool = False, right: bool = False) -> tuple[Lang, Req]:
    """(finite language or None, requirement) of a sequence of opcodes."""
    items = _merged(sub.data)
    n = len(items)
    # before[i]: a boundary lies just before item i; after[i]: just after item i
    before = [left] * (n + 1)
    for i in range(1, n + 1):
        st = _state(*items[i - 1], True)
        before[i] = st == EDGE or (st == OPEN and before[i - 1])
    after = [right] * (n + 1)  # after[i] for i in 0..n-1; after[n - 1] uses ``right``
    nxt = right
    for i in range(n - 1, -1, -1):
        after[i] = nxt
        st = _state(*items[i], False)
        nxt = st == EDGE or (st == OPEN and nxt)
    reqs: list[Req] = []
    finite = True  # no run closed yet: the whole sequence is ``run`` (less the leading edge)
    run: frozenset[str] = frozenset({_EDGE if left else ""})
    for i, (op, av) in enumerate(items):
        lang, req = _item(op, av, before[i], after[i])
        if lang is not None and len(lang) > 1:  # the item on its own, in its context, too
            reqs.append(_lit(_wrap(lang, before[i], after[i])))
        if lang is not None and len(run) * len(lang) <= _LIMIT:
            run = frozenset([a + b for a in run for b in lang]) if len(lang) > 1 or len(run) > 1 else _cat(run, lang)
            continue
        finite = False
        # close the run before item i (followed by a boundary if item i starts with one)
        reqs.append(_lit(_wrap(run, False, after[i - 1] if i else False)))
        if lang is None:
            reqs.append(req)
            run = frozenset({_EDGE if before[i + 1] else ""})
        else:  # too many strings: start a new run with this item
            run = _wrap(lang, before[i], False)
    reqs.append(_lit(_wrap(run, False, right)))
    plain = (frozenset(x[1:] for x in run) if left else run) if finite else None
    return plain, _and(reqs)


def _cat(run: frozenset[str], lang: frozenset[str]) -> frozenset[str]:
    (a,) = run
    (b,) = lang
    return frozenset((a + b,))


#: a condition "some token starts with X" is the string PREFIX + X, "ends with X" is SUFFIX + X
PREFIX = "\x02"
SUFFIX = "\x03"


def _conditions(literal: str) -> list[str]:
    """Token conditions implied by a literal: whole words, else token prefixes or suffixes.

    A run of ``[^\\W_]`` bounded on both sides inside the literal is a whole token;
    bounded on the left only, some token starts with it; on the right only, some
    token ends with it.
    """
    out: list[str] = []
    start = -1
    n = len(literal)
    for i in range(n + 1):
        if i < n and literal[i].isalnum():
            if start < 0:
                start = i
            continue
        if start >= 0:
            word = literal[start:i]
            left, right = start > 0, i < n
            if left and right:
                out.append(word)
            elif left:
                out.append(PREFIX + word)
            elif right:
                out.append(SUFFIX + word)
        start = -1
    return out


def _rank(cond: str) -> tuple[int, int, int, str]:
    affix = cond[:1] in (PREFIX, SUFFIX)
    return (affix, cond in _COMMON, -len(cond), cond)


_LIT_CLAUSES = 3


def _lit_clauses(strings: frozenset[str]) -> list[frozenset[str]]:
    """Clauses implied by "one of these literals occurs": the k-th best condition of each.

    Every condition of a literal is necessary for it, so any choice of one condition
    per literal makes a clause; a single literal gives one clause per word.
    """
    ranked: list[list[str]] = []
    for s in strings:
        cand = sorted(set(_conditions(s)), key=_rank)
        if not cand:
            return []
        ranked.append(cand)
    # a condition of every literal is necessary on its own
    shared = set(ranked[0]).intersection(*ranked[1:])
    out = [frozenset((c,)) for c in sorted(shared, key=_rank)[:_LIT_CLAUSES]]
    ranked = [[c for c in r if c not in shared] or r for r in ranked]
    depth = min(_LIT_CLAUSES, max(len(r) for r in ranked))
    out.extend(frozenset(r[min(k, len(r) - 1)] for r in ranked) for k in range(depth))
    return out


#: how many clauses an alternation yields (the k-th best clause of every alternative, unioned)
_OR_CLAUSES = 3


def _clauses(req: Req) -> list[frozenset[str]]:
    if req is None:
        return []
    kind, body = req
    if kind == "lit":
        return _lit_clauses(body)
    if kind == "and":
        return [c for p in body for c in _clauses(p)]
    options = []
    for p in body:
        found = sorted(set(_clauses(p)), key=_clause_sort)
        if not found:
            return []
        options.append(found)
    out = []
    for k in range(_OR_CLAUSES):
        out.append(frozenset().union(*(o[min(k, len(o) - 1)] for o in options)))
    return out


def _clause_rank(c: frozenset[str]) -> tuple[int, int, int]:
    affix = sum(w[:1] in (PREFIX, SUFFIX) for w in c)
    return (affix > 0, sum(w in _COMMON for w in c) + affix, len(c))


def _clause_sort(c: frozenset[str]) -> tuple[tuple[int, int, int], list[str]]:
    return (_clause_rank(c), sorted(c))


def is_affix_clause(clause: frozenset[str]) -> bool:
    """Whether a clause needs the tokens' prefixes and suffixes (see :func:`with_affixes`)."""
    return any(w[:1] in (PREFIX, SUFFIX) for w in clause)


class _Affixes(dict[str, tuple[str, ...]]):
    """token -> the PREFIX/SUFFIX conditions it meets, for the registered affixes."""

    def __init__(self) -> None:
        super().__init__()
        self.prefixes: set[str] = set()
        self.suffixes: set[str] = set()
        self.lengths: tuple[int, ...] = ()

    def register(self, clauses: tuple[frozenset[str], ...]) -> None:
        new = False
        for c in clauses:
            for w in c:
                if w[:1] == PREFIX and w[1:] not in self.prefixes:
                    self.prefixes.add(w[1:])
                    new = True
                elif w[:1] == SUFFIX and w[1:] not in self.suffixes:
                    self.suffixes.add(w[1:])
                    new = True
        if new:
            self.lengths = tuple(sorted({len(a) for a in self.prefixes | self.suffixes}))
            self.clear()

    def __missing__(self, tok: str) -> tuple[str, ...]:
        if len(self) > 200_000:
            self.clear()
        out: list[str] = []
        for k in self.lengths:
            if k > len(tok):
                break
            if tok[:k] in self.prefixes:
                out.append(PREFIX + tok[:k])
            if tok[-k:] in self.suffixes:
                out.append(SUFFIX + tok[-k:])
        found = tuple(out)
        self[tok] = found
        return found


_AFFIXES = _Affixes()


def with_affixes(toks: frozenset[str]) -> frozenset[str]:
    """``toks`` plus the prefix and suffix conditions its tokens meet."""
    return toks.union(chain.from_iterable(map(_AFFIXES.__getitem__, toks)))


def requirement(regex: re.Pattern[str]) -> Req:
    """The literal requirement tree of ``regex`` (``None``: no usable condition)."""
    if regex.flags & re.IGNORECASE or not isinstance(regex.pattern, str):
        return None
    try:
        tree = _parser.parse(regex.pattern, regex.flags)
    except Exception:  # pragma: no cover - the pattern compiled, so this is not expected
        return None
    return _tree_requirement(tree)


def _tree_requirement(tree: Any) -> Req:
    return _analysed(tree)[0]


_ANALYSING = threading.Lock()


def _analysed(tree: Any) -> tuple[Req, frozenset[str] | None]:
    """(requirement, heads) of a parsed pattern; the memo tables are keyed by ``id`` and
    only valid while ``tree`` is alive, so they are emptied before and after."""
    with _ANALYSING:  # the memo tables are shared: one analysis at a time (readers built in threads)
        _STATES.clear()
        _MERGED.clear()
        try:
            return _seq(tree)[1], _heads(tree)
        finally:
            _STATES.clear()
            _MERGED.clear()


def token_clauses(regex: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """Word sets that every match of ``regex`` meets: skip the regex if one is disjoint from the tokens.

    A set may also hold ``PREFIX + x`` (some token starts with ``x``) or ``SUFFIX + x``
    (some token ends with ``x``): check those against :func:`with_affixes` of the tokens.
    """
    if not isinstance(regex.pattern, str):
        return _tree_clauses(requirement(regex))
    return _plancache.cached(
        "clauses",
        regex.pattern,
        regex.flags,
        lambda: _tree_clauses(requirement(regex)),
        _plancache.enc_clauses,
        _dec_registered,
    )


def _dec_registered(v: Any) -> tuple[frozenset[str], ...]:
    out = _plancache.dec_clauses(v)
    _AFFIXES.register(out)  # as ``_tree_clauses`` does when it computes them
    return out


def _tree_clauses(req: Req) -> tuple[frozenset[str], ...]:
    found: list[frozenset[str]] = []
    for c in sorted(set(_clauses(req)), key=_clause_sort):
        if not any(c >= kept for kept in found):  # a superset of a kept clause adds nothing
            found.append(c)
    out = tuple(found[:_MAX_CLAUSES])
    _AFFIXES.register(out)
    return out


def split_branches(source: str) -> list[str]:
    """The top-level alternatives of a regex source (``a|b(c|d)`` -> ``["a", "b(c|d)"]``).

    ``(?:b1|b2)`` and ``(?:b1)|(?:b2)`` match the same way (the first alternative
    that matches wins), so the branches may be scanned separately.
    """
    out: list[str] = []
    depth = 0
    start = 0
    i = 0
    n = len(source)
    while i < n:
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a character class: skip to its closing bracket
            i += 1
            if i < n and source[i] == "^":
                i += 1
            if i < n and source[i] == "]":
                i += 1
            while i < n and source[i] != "]":
                i += 2 if source[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(source[start:i])
            start = i + 1
        i += 1
    out.append(source[start:])
    return out


def _has_groupref(sub: Any) -> bool:
    for op, av in sub.data:
        name = op.name
        if name in ("GROUPREF", "GROUPREF_EXISTS"):
            return True
        children: list[Any] = []
        if name == "BRANCH":
            children = list(av[1])
        elif name == "SUBPATTERN":
            children = [av[3]]
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            children = [av[2]]
        elif name in ("ASSERT", "ASSERT_NOT"):
            children = [av[1]]
        elif name == "ATOMIC_GROUP":
            children = [av]
        if any(_has_groupref(c) for c in children):
            return True
    return False


_ZERO_WIDTH = frozenset({"AT", "ASSERT", "ASSERT_NOT"})
#: the most start strings worth looking for with ``str.find`` (more: scan with the regex)
_MAX_HEADS = 24


def _heads(tree: Any) -> frozenset[str] | None:
    """Literal strings one of which every match starts with (zero-width assertions aside), or None."""
    heads = _seq_heads(tree.data)
    if not heads or len(heads) > _MAX_HEADS or any(not h or _EDGE in h for h in heads):
        return None
    return heads


def _seq_heads(data: Any) -> frozenset[str] | None:
    run: frozenset[str] | None = None
    for op, av in _merged(data):
        name = op.name
        if name in _ZERO_WIDTH:
            continue
        lang = _lang_of(op, av)
        if lang is not None and "" not in lang:
            if run is None:
                run = lang
            elif len(run) * len(lang) <= _MAX_HEADS:
                run = frozenset(a + b for a in run for b in lang)
            else:
                break
            continue
        if run is not None:
            break
        # the first item that consumes text has no small finite language: look inside it
        if name == "BRANCH":
            parts = [_seq_heads(b.data) for b in av[1]]
            if any(p is None for p in parts):
                return None
            return frozenset().union(*(p for p in parts if p is not None))
        if name == "SUBPATTERN" and not av[1] & re.IGNORECASE:
            return _seq_heads(av[3].data)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            return _seq_heads(av[2].data)
        return None
    return run


_BranchInfo = tuple[tuple[str, tuple[frozenset[str], ...], frozenset[str] | None], ...] | None


@functools.lru_cache(maxsize=4096)
def _branches(pattern: str, flags: int) -> _BranchInfo:
    """The top-level branches of a pattern with their clauses and heads, if splitting is safe.

    Kept per pattern: the analysis takes a while and every reader loads the same lexicons
    (in memory here, and across processes in the disk cache of ``_plancache``).
    """
    return _plancache.cached(
        "branches", pattern, flags, lambda: _branches_uncached(pattern, flags), _enc_branches, _dec_branches
    )


def _enc_branches(v: _BranchInfo) -> Any:
    if v is None:
        return None
    return [[b, _plancache.enc_clauses(cl), _plancache.enc_set(h)] for b, cl, h in v]


def _dec_branches(v: Any) -> _BranchInfo:
    if v is None:
        return None
    out = []
    for b, cl, h in v:
        clauses = _plancache.dec_clauses(cl)
        _AFFIXES.register(clauses)  # as ``_tree_clauses`` does when it computes them
        out.append((str(b), clauses, _plancache.dec_set(h)))
    return tuple(out)


def _branches_uncached(pattern: str, flags: int) -> _BranchInfo:
    if flags & ~re.UNICODE:
        return None
    parts = split_branches(pattern)
    if len(parts) < 2:
        return None
    try:
        whole = _parser.parse(pattern, flags)
        data = whole.data
        if len(data) == 1 and data[0][0].name == "BRANCH" and len(data[0][1][1]) == len(parts):
            trees = list(data[0][1][1])  # the parser kept the alternatives as written
        else:  # it factored out a common prefix: parse each branch on its own
            trees = [_parser.parse(b, flags) for b in parts]
    except re.error:
        return None
    if any(_has_groupref(t) for t in trees):
        return None
    out = []
    for b, t in zip(parts, trees, strict=True):
        req, heads = _analysed(t)
        out.append((b, _tree_clauses(req), heads))
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def _pattern_heads(pattern: str, flags: int) -> frozenset[str] | None:
    return _plancache.cached(
        "heads",
        pattern,
        flags,
        lambda: _pattern_heads_uncached(pattern, flags),
        _plancache.enc_set,
        _plancache.dec_set,
    )


def _pattern_heads_uncached(pattern: str, flags: int) -> frozenset[str] | None:
    if flags & re.IGNORECASE:
        return None
    try:
        return _analysed(_parser.parse(pattern, flags))[1]
    except re.error:  # pragma: no cover - the pattern compiled
        return None
