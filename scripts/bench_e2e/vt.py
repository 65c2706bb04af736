"""A small terminal screen model: enough of VT100/xterm to follow what a full-screen program
draws (cursor moves, text, erases, scrolls, attributes, synchronized updates) and to answer
the queries programs wait for. Not a terminal: no colours are rendered, only compared."""

import codecs
import unicodedata

BLANK_ATTR = ()


def char_width(ch):
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


class Screen:
    def __init__(self, cols, rows):
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.state = "text"
        self.seq = ""
        self.attr = {}
        self.sync = False  # inside a synchronized update (?2026h … ?2026l)
        self.replies = []  # bytes to send back (answers to queries)
        self.resize(cols, rows)

    def resize(self, cols, rows):
        old = getattr(self, "cells", None)
        self.cols, self.rows = cols, rows
        self.cells = [[(" ", BLANK_ATTR) for _ in range(cols)] for _ in range(rows)]
        if old:
            for y in range(min(rows, len(old))):
                for x in range(min(cols, len(old[y]))):
                    self.cells[y][x] = old[y][x]
        self.x = min(getattr(self, "x", 0), cols - 1)
        self.y = min(getattr(self, "y", 0), rows - 1)
        self.wrap_pending = False
        self.top, self.bottom = 0, rows - 1

    # --- what the measurements look at -------------------------------------------------
    def text(self):
        return "\n".join("".join(c for c, _ in row) for row in self.cells)

    def row_text(self, y):
        return "".join(c for c, _ in self.cells[y])

    def snapshot(self):
        return [list(row) for row in self.cells]

    # --- feeding -----------------------------------------------------------------------
    def feed(self, data):
        for ch in self.decoder.decode(data):
            self._char(ch)

    def _char(self, ch):
        st = self.state
        if st == "text":
            if ch == "\x1b":
                self.state, self.seq = "esc", ""
            elif ch < " " or ch == "\x7f":
                self._control(ch)
            else:
                self._print(ch)
        elif st == "esc":
            if ch == "[":
                self.state, self.seq = "csi", ""
            elif ch == "]" or ch in "PX^_":
                self.state = "string"
            elif ch in "()*+#%":
                self.state = "skip1"
            else:
                self.state = "text"
                if ch == "7":
                    self.saved = (self.x, self.y, dict(self.attr))
                elif ch == "8" and hasattr(self, "saved"):
                    self.x, self.y, self.attr = self.saved[0], self.saved[1], dict(self.saved[2])
                elif ch == "M":
                    self._reverse_index()
                elif ch == "D":
                    self._index()
                elif ch == "E":
                    self.x = 0
                    self._index()
                elif ch == "c":
                    self.attr = {}
                    self._erase(0, 0, self.cols, self.rows)
                    self.x = self.y = 0
        elif st == "skip1":
            self.state = "text"
        elif st == "string":
            if ch == "\x07":
                self.state = "text"
            elif ch == "\x1b":
                self.state = "string_esc"
        elif st == "string_esc":
            self.state = "text" if ch == "\\" else "string"
        elif st == "csi":
            if "@" <= ch <= "~":
                self.state = "text"
                self._csi(self.seq, ch)
            else:
                self.seq += ch

    def _control(self, ch):
        if ch == "\r":
            self.x, self.wrap_pending = 0, False
        elif ch in "\n\x0b\x0c":
            self.wrap_pending = False
            self._index()
        elif ch == "\b":
            self.x, self.wrap_pending = max(0, self.x - 1), False
        elif ch == "\t":
            self.x = min(self.cols - 1, (self.x // 8 + 1) * 8)

    def _print(self, ch):
        w = char_width(ch)
        if w == 0:
            return
        if self.wrap_pending or self.x + w > self.cols:
            self.x, self.wrap_pending = 0, False
            self._index()
        attr = tuple(sorted(self.attr.items()))
        self.cells[self.y][self.x] = (ch, attr)
        if w == 2 and self.x + 1 < self.cols:
            self.cells[self.y][self.x + 1] = ("", attr)
        if self.x + w >= self.cols:
            self.x, self.wrap_pending = self.cols - 1, True
        else:
            self.x += w

    def _index(self):
        if self.y == self.bottom:
            self._scroll_up(1)
        elif self.y < self.rows - 1:
            self.y += 1

    def _reverse_index(self):
        if self.y == self.top:
            self._scroll_down(1)
        elif self.y > 0:
            self.y -= 1

    def _blank_row(self):
        return [(" ", BLANK_ATTR) for _ in range(self.cols)]

    def _scroll_up(self, n, top=None):
        top = self.top if top is None else top
        for _ in range(n):
            del self.cells[top]
            self.cells.insert(self.bottom, self._blank_row())

    def _scroll_down(self, n, top=None):
        top = self.top if top is None else top
        for _ in range(n):
            del self.cells[self.bottom]
            self.cells.insert(top, self._blank_row())

    def _erase(self, x0, y0, x1, y1):
        """Blank the cells from (x0, y0) up to but not including (x1, y1), row-major."""
        for y in range(y0, min(y1 + 1, self.rows)):
            start = x0 if y == y0 else 0
            end = x1 if y == y1 else self.cols
            for x in range(start, min(end, self.cols)):
                self.cells[y][x] = (" ", BLANK_ATTR)

    def _csi(self, seq, final):
        private = seq[:1] in ("?", ">", "<", "=")
        body = seq[1:] if private else seq
        try:
            params = [int(p) if p else None for p in body.replace(":", ";").split(";")] if body else []
        except ValueError:
            params = []

        def p(i, default=1):
            v = params[i] if i < len(params) else None
            return default if v is None or v == 0 and default == 1 else v

        self.wrap_pending = False if final not in "m" else self.wrap_pending
        if final in "Hf":
            self.y = min(self.rows - 1, p(0) - 1)
            self.x = min(self.cols - 1, p(1) - 1)
        elif final == "A":
            self.y = max(0, self.y - p(0))
        elif final in "Be":
            self.y = min(self.rows - 1, self.y + p(0))
        elif final in "Ca":
            self.x = min(self.cols - 1, self.x + p(0))
        elif final == "D":
            self.x = max(0, self.x - p(0))
        elif final == "E":
            self.x, self.y = 0, min(self.rows - 1, self.y + p(0))
        elif final == "F":
            self.x, self.y = 0, max(0, self.y - p(0))
        elif final in "G`":
            self.x = min(self.cols - 1, p(0) - 1)
        elif final == "d":
            self.y = min(self.rows - 1, p(0) - 1)
        elif final == "J" and not private:
            mode = p(0, 0)
            if mode == 0:
                self._erase(self.x, self.y, self.cols, self.rows - 1)
            elif mode == 1:
                self._erase(0, 0, self.x + 1, self.y)
            else:
                self._erase(0, 0, self.cols, self.rows - 1)
        elif final == "K" and not private:
            mode = p(0, 0)
            a, b = {0: (self.x, self.cols), 1: (0, self.x + 1)}.get(mode, (0, self.cols))
            for x in range(a, b):
                self.cells[self.y][x] = (" ", BLANK_ATTR)
        elif final == "X":
            for x in range(self.x, min(self.cols, self.x + p(0))):
                self.cells[self.y][x] = (" ", BLANK_ATTR)
        elif final == "P":
            row = self.cells[self.y]
            n = min(p(0), self.cols - self.x)
            del row[self.x : self.x + n]
            row.extend((" ", BLANK_ATTR) for _ in range(n))
        elif final == "@":
            row = self.cells[self.y]
            for _ in range(min(p(0), self.cols - self.x)):
                row.insert(self.x, (" ", BLANK_ATTR))
                row.pop()
        elif final == "L":
            if self.top <= self.y <= self.bottom:
                self._scroll_down(p(0), self.y)
        elif final == "M":
            if self.top <= self.y <= self.bottom:
                self._scroll_up(p(0), self.y)
        elif final == "S":
            self._scroll_up(p(0))
        elif final == "T" and not private:
            self._scroll_down(p(0))
        elif final == "r" and not private:
            self.top = p(0) - 1
            self.bottom = min(self.rows - 1, p(1, self.rows) - 1)
            self.x = self.y = 0
        elif final == "m" and not private:
            self._sgr(params or [0])
        elif final in "hl" and seq.startswith("?"):
            on = final == "h"
            for mode in params:
                if mode == 2026:
                    self.sync = on
                elif mode in (1049, 47, 1047):
                    self._erase(0, 0, self.cols, self.rows - 1)
        elif final == "n" and not private and p(0) == 6:
            self.replies.append(f"\x1b[{self.y + 1};{self.x + 1}R".encode())
        elif final == "c" and not private and p(0, 0) == 0:
            self.replies.append(b"\x1b[?62;22c")

    def _sgr(self, params):
        i = 0
        a = self.attr
        while i < len(params):
            v = params[i] or 0
            if v == 0:
                a.clear()
            elif v in (38, 48, 58):
                key = {38: "fg", 48: "bg", 58: "ul"}[v]
                kind = params[i + 1] if i + 1 < len(params) else None
                if kind == 5:
                    a[key] = ("i", params[i + 2] if i + 2 < len(params) else 0)
                    i += 2
                elif kind == 2:
                    a[key] = tuple(params[i + 2 : i + 5])
                    i += 4
            elif v == 39:
                a.pop("fg", None)
            elif v == 49:
                a.pop("bg", None)
            elif v == 59:
                a.pop("ul", None)
            elif 30 <= v <= 37 or 90 <= v <= 97:
                a["fg"] = v
            elif 40 <= v <= 47 or 100 <= v <= 107:
                a["bg"] = v
            elif 1 <= v <= 9:
                a[f"m{v}"] = True
            elif v == 22:
                a.pop("m1", None)
                a.pop("m2", None)
            elif 23 <= v <= 29:
                a.pop(f"m{v - 20}", None)
            i += 1
