#!/usr/bin/env python3
"""Reads `tmux capture-pane -p -e` output on stdin and prints it as plain text in which
each half-block cell ("▀" with a 256-colour foreground over a background) becomes one
character for its two pixels: █ both inked, ▀ upper, ▄ lower, ░ faint ink, blank none,
+ a non-grey pixel (the drawing pad's pen). Other characters are kept.

With --count, prints only the number of inked pixels between columns A and B (1-based,
inclusive) and rows C and D: `--count A B C D`."""
import re
import sys

SGR = re.compile(r"\x1b\[([0-9;]*)m")


def level(colour):
    """Ink level 0..1 of a 256-colour index; None for a colour that is not grey."""
    if colour is None:
        return 0.0
    if 232 <= colour <= 255:
        return (colour - 232) / 23
    if colour in (0, 16):
        return 0.0
    if colour in (15, 231):
        return 1.0
    return None


def cells(line):
    """(character, fg, bg) for each visible character of one captured line."""
    fg = bg = None
    out, i = [], 0
    while i < len(line):
        m = SGR.match(line, i)
        if m:
            params = [int(p) if p else 0 for p in m.group(1).split(";")]
            j = 0
            while j < len(params):
                p = params[j]
                if p == 0:
                    fg = bg = None
                elif p in (38, 48) and j + 2 < len(params) and params[j + 1] == 5:
                    if p == 38:
                        fg = params[j + 2]
                    else:
                        bg = params[j + 2]
                    j += 2
                elif p == 39:
                    fg = None
                elif p == 49:
                    bg = None
                j += 1
            i = m.end()
            continue
        out.append((line[i], fg, bg))
        i += 1
    return out


def text(ch, fg, bg):
    if ch != "▀":
        return ch
    top, bottom = level(fg), level(bg)
    if top is None or bottom is None:
        return "+"
    if top >= 0.5 and bottom >= 0.5:
        return "█"
    if top >= 0.5:
        return "▀"
    if bottom >= 0.5:
        return "▄"
    return "░" if max(top, bottom) > 0.1 else " "


def main():
    lines = sys.stdin.read().split("\n")
    if len(sys.argv) == 6 and sys.argv[1] == "--count":
        a, b, c, d = map(int, sys.argv[2:])
        n = 0
        for row in range(c, d + 1):
            for col, (ch, fg, bg) in enumerate(cells(lines[row - 1]) if row <= len(lines) else [], start=1):
                if a <= col <= b and ch == "▀":
                    n += sum(1 for v in (level(fg), level(bg)) if v is not None and v >= 0.5)
        print(n)
        return
    for line in lines:
        print("".join(text(*c) for c in cells(line)).rstrip())


main()
