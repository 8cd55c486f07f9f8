"""A SOQL parser for the subset leadrelay uses: SELECT fields (or COUNT()) FROM object
[WHERE ...] [ORDER BY ...] [LIMIT n] [OFFSET n]."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from leadrelay_tools.localorg.errors import ApiError

LIKE_PERCENT, LIKE_UNDERSCORE = "\ue000", "\ue001"  # an escaped \% or \_ inside a string literal
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPES |= {"%": LIKE_PERCENT, "_": LIKE_UNDERSCORE}
_TOKEN_RE = re.compile(
    r"""(?P<ws>\s+)
    |(?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))
    |(?P<date>\d{4}-\d{2}-\d{2})
    |(?P<number>[+-]?\d+(?:\.\d+)?)
    |(?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?::\d+)?)
    |(?P<op>!=|<>|<=|>=|=|<|>)
    |(?P<punct>[(),])
    |(?P<string>')""",
    re.VERBOSE,
)
_COMPARE_OPS = {"=", "!=", "<>", "<", ">", "<=", ">="}


@dataclass(frozen=True)
class Token:
    """One lexical token with its offset in the query text."""

    kind: str
    text: str
    pos: int
    value: Any = None

    def is_kw(self, *words: str) -> bool:
        """Whether the token is one of the (case-insensitive) keywords ``words``."""
        return self.kind == "ident" and self.text.upper() in words


@dataclass(frozen=True)
class Literal:
    """A value in a condition: kind is string, number, boolean, null, date or datetime."""

    kind: str
    value: Any
    pos: int


@dataclass(frozen=True)
class Condition:
    """``field op value``; op is one of = != < > <= >= LIKE IN NOT IN."""

    field: str
    op: str
    values: tuple[Literal, ...]
    pos: int


@dataclass(frozen=True)
class Logical:
    """AND / OR over several conditions, or NOT over one."""

    op: str
    items: tuple[Condition | Logical, ...]


@dataclass(frozen=True)
class OrderItem:
    """One ORDER BY term."""

    field: str
    descending: bool
    nulls_first: bool | None
    pos: int


@dataclass
class Query:
    """A parsed SELECT."""

    fields: list[tuple[str, int]]
    sobject: str
    sobject_pos: int
    count_only: bool = False
    where: Condition | Logical | None = None
    order: list[OrderItem] = field(default_factory=list)
    limit: int | None = None
    offset: int | None = None


def soql_error(code: str, text: str, soql: str, pos: int) -> ApiError:
    """A 400 error in Salesforce's SOQL message shape: the line, a caret, ``ERROR at Row:r:Column:c``."""
    row = soql.count("\n", 0, pos) + 1
    line_start = soql.rfind("\n", 0, pos) + 1
    col = pos - line_start + 1
    line = soql.splitlines()[row - 1] if soql.strip() else soql
    return ApiError(400, code, f"\n{line}\n{' ' * (col - 1)}^\nERROR at Row:{row}:Column:{col}\n{text}")


def tokenize(soql: str) -> list[Token]:
    """Split ``soql`` into tokens; string literals are unescaped (LIKE escapes become markers)."""
    tokens, pos = [], 0
    while pos < len(soql):
        match = _TOKEN_RE.match(soql, pos)
        if not match or match.lastgroup is None:
            raise soql_error("MALFORMED_QUERY", f"unexpected token: '{soql[pos]}'", soql, pos)
        kind = match.lastgroup
        if kind == "string":
            value, end = _read_string(soql, pos)
            tokens.append(Token("string", soql[pos:end], pos, value))
            pos = end
            continue
        if kind != "ws":
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    tokens.append(Token("eof", "<EOF>", len(soql)))
    return tokens


def _read_string(soql: str, start: int) -> tuple[str, int]:
    out: list[str] = []
    pos = start + 1
    while pos < len(soql):
        ch = soql[pos]
        if ch == "'":
            return "".join(out), pos + 1
        if ch == "\\":
            nxt = soql[pos + 1 : pos + 2]
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", soql[pos + 2 : pos + 6]):
                out.append(chr(int(soql[pos + 2 : pos + 6], 16)))
                pos += 6
                continue
            if nxt not in _ESCAPES:
                raise soql_error(
                    "MALFORMED_QUERY", "Invalid string literal: illegal escape sequence", soql, pos
                )
            out.append(_ESCAPES[nxt])
            pos += 2
            continue
        out.append(ch)
        pos += 1
    raise soql_error("MALFORMED_QUERY", "unterminated string literal", soql, start)


def parse(soql: str) -> Query:
    """Parse ``soql``; malformed text raises ``ApiError`` 400 ``MALFORMED_QUERY``."""
    return _Parser(soql).query()


class _Parser:
    def __init__(self, soql: str) -> None:
        self.soql, self.tokens, self.i = soql, tokenize(soql), 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def fail(self, tok: Token | None = None) -> ApiError:
        tok = tok or self.tok
        return soql_error("MALFORMED_QUERY", f"unexpected token: {tok.text}", self.soql, tok.pos)

    def take(self) -> Token:
        tok = self.tok
        self.i += 1
        return tok

    def expect_kw(self, *words: str) -> Token:
        if not self.tok.is_kw(*words):
            raise self.fail()
        return self.take()

    def expect(self, kind: str, text: str | None = None) -> Token:
        if self.tok.kind != kind or (text is not None and self.tok.text != text):
            raise self.fail()
        return self.take()

    def query(self) -> Query:
        self.expect_kw("SELECT")
        fields, count_only = [], False
        if self.tok.is_kw("COUNT") and self.tokens[self.i + 1].text == "(":
            self.take(), self.take(), self.expect("punct", ")")
            count_only = True
        else:
            while True:
                tok = self.expect("ident")
                fields.append((tok.text, tok.pos))
                if self.tok.text != ",":
                    break
                self.take()
        self.expect_kw("FROM")
        obj = self.expect("ident")
        query = Query(fields, obj.text, obj.pos, count_only)
        if self.tok.is_kw("WHERE"):
            self.take()
            query.where = self.condition()
        if self.tok.is_kw("ORDER"):
            self.take(), self.expect_kw("BY")
            query.order = self.order_list()
        if self.tok.is_kw("LIMIT"):
            self.take()
            query.limit = int(self.expect("number").text)
        if self.tok.is_kw("OFFSET"):
            self.take()
            query.offset = int(self.expect("number").text)
        if self.tok.kind != "eof":
            raise self.fail()
        return query

    def condition(self) -> Condition | Logical:
        first = self.unary()
        if not self.tok.is_kw("AND", "OR"):
            return first
        op, items = self.tok.text.upper(), [first]
        while self.tok.is_kw("AND", "OR"):
            if self.tok.text.upper() != op:  # SOQL needs parentheses to mix AND and OR
                raise self.fail()
            self.take()
            items.append(self.unary())
        return Logical(op, tuple(items))

    def unary(self) -> Condition | Logical:
        if self.tok.is_kw("NOT"):
            self.take()
            return Logical("NOT", (self.unary(),))
        if self.tok.text == "(":
            self.take()
            inner = self.condition()
            self.expect("punct", ")")
            return inner
        return self.comparison()

    def comparison(self) -> Condition:
        fld = self.expect("ident")
        if self.tok.kind == "op" and self.tok.text in _COMPARE_OPS:
            op = self.take().text
            return Condition(fld.text, "!=" if op == "<>" else op, (self.literal(),), fld.pos)
        if self.tok.is_kw("LIKE"):
            self.take()
            return Condition(fld.text, "LIKE", (self.literal(),), fld.pos)
        negate = False
        if self.tok.is_kw("NOT"):
            self.take()
            negate = True
        self.expect_kw("IN")
        self.expect("punct", "(")
        values = [self.literal()]
        while self.tok.text == ",":
            self.take()
            values.append(self.literal())
        self.expect("punct", ")")
        return Condition(fld.text, "NOT IN" if negate else "IN", tuple(values), fld.pos)

    def literal(self) -> Literal:
        tok = self.take()
        if tok.kind == "string":
            return Literal("string", tok.value, tok.pos)
        if tok.kind == "number":
            return Literal("number", float(tok.text) if "." in tok.text else int(tok.text), tok.pos)
        if tok.kind in ("date", "datetime"):
            return Literal(tok.kind, tok.text, tok.pos)
        if tok.is_kw("TRUE", "FALSE"):
            return Literal("boolean", tok.text.upper() == "TRUE", tok.pos)
        if tok.is_kw("NULL"):
            return Literal("null", None, tok.pos)
        raise self.fail(tok)

    def order_list(self) -> list[OrderItem]:
        items = []
        while True:
            fld = self.expect("ident")
            descending, nulls_first = False, None
            if self.tok.is_kw("ASC", "DESC"):
                descending = self.take().text.upper() == "DESC"
            if self.tok.is_kw("NULLS"):
                self.take()
                nulls_first = self.expect_kw("FIRST", "LAST").text.upper() == "FIRST"
            items.append(OrderItem(fld.text, descending, nulls_first, fld.pos))
            if self.tok.text != ",":
                return items
            self.take()
