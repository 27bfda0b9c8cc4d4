#!/usr/bin/env python3
"""Checks the documentation's links: every relative link and #anchor in README.md, docs/**/*.md and the model cards
(models/*/README.md).

  python3 scripts/check-doc-links.py [--quiet]

For each inline link or image, `[text](target)` or `![alt](target)`, and each reference definition, `[id]: target`,
outside code blocks and code spans: a relative target must name a file or folder of the repository (resolved from
the page's own folder), and an anchor (`page.md#anchor`, `#anchor`) must name a heading of that Markdown page.
Anchors follow GitHub's rules: the heading's text (links and emphasis reduced to their text, code spans to their
content), lower case, every character that is not a letter, digit, space, '-' or '_' dropped, spaces turned into
'-'; a repeated anchor gets '-1', '-2', … in order. `<a id="…">` and `<a name="…">` count as anchors too.
Absolute URLs (http:, https:, mailto:) are not fetched.

It also checks the layout block of docs/development.md (the first code block under its "Layout" heading): each line
names a path by its first word, nested two spaces per level under the line above it, and every such path must exist.

Prints each broken link as `FILE:LINE: target: why` and exits 1 if there is any; exits 0 and prints a count otherwise.
Standard library only.
"""
import os
import re
import sys
import unicodedata
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXTERNAL = ('http:', 'https:', 'mailto:', 'ftp:', 'data:')

FENCE = re.compile(r'^\s{0,3}(```+|~~~+)')
HEADING = re.compile(r'^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$')
CODE_SPAN = re.compile(r'(`+)(.+?)\1')
# [text](target "title") or ![alt](<target>); link text may hold one level of brackets.
INLINE = re.compile(r'!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^)\s]*)(?:\s+(?:"[^"]*"|\'[^\']*\'|\([^)]*\)))?\s*\)')
REFERENCE = re.compile(r'^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)')
HTML_ANCHOR = re.compile(r'<a\s+[^>]*?(?:id|name)\s*=\s*["\']([^"\']+)["\']', re.I)


def pages():
    """README.md, every .md file under docs/ and each model's card, as paths relative to the repository root."""
    found = ['README.md'] if os.path.isfile(os.path.join(ROOT, 'README.md')) else []
    for folder, dirs, files in os.walk(os.path.join(ROOT, 'docs')):
        dirs.sort()
        for name in sorted(files):
            if name.endswith('.md'):
                found.append(os.path.relpath(os.path.join(folder, name), ROOT))
    # A bundled model's card is the README.md in its folder, beside the weights and the pictures it shows.
    models = os.path.join(ROOT, 'models')
    for model in sorted(os.listdir(models)) if os.path.isdir(models) else []:
        if os.path.isfile(os.path.join(models, model, 'README.md')):
            found.append(os.path.join('models', model, 'README.md'))
    return found


def prose_lines(text):
    """(line number, line) for each line outside fenced code blocks, with code spans blanked out."""
    fence = None
    for number, line in enumerate(text.split('\n'), 1):
        m = FENCE.match(line)
        if m:
            mark = m.group(1)
            if fence is None:
                fence = mark[0] * len(mark)
                continue
            if mark.startswith(fence):
                fence = None
                continue
        if fence is not None:
            continue
        yield number, CODE_SPAN.sub(lambda s: ' ' * len(s.group(0)), line)


def slug(heading):
    """GitHub's anchor for a heading's Markdown text."""
    text = CODE_SPAN.sub(lambda m: m.group(2), heading)
    text = re.sub(r'!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\([^)]*\)', r'\1', text)   # links and images: their text
    text = re.sub(r'<[^>]+>', '', text)                                       # inline HTML tags
    text = text.replace('*', '').replace('~', '')
    text = re.sub(r'(?<!\w)_+|_+(?!\w)', '', text)                             # _emphasis_, not snake_case
    kept = []
    for ch in text.lower():
        if ch in ' -_' or unicodedata.category(ch)[0] in 'LN':
            kept.append(ch)
    return ''.join(kept).replace(' ', '-')


_anchors = {}


def anchors(path):
    """Every anchor a Markdown page defines."""
    if path not in _anchors:
        with open(os.path.join(ROOT, path), encoding='utf-8') as f:
            text = f.read()
        seen, result = {}, set()
        fence = None
        for line in text.split('\n'):
            m = FENCE.match(line)
            if m:
                mark = m.group(1)
                if fence is None:
                    fence = mark[0] * len(mark)
                elif mark.startswith(fence):
                    fence = None
                continue
            if fence is not None:
                continue
            h = HEADING.match(line)
            if h:
                base = slug(h.group(2))
                n = seen.get(base, 0)
                seen[base] = n + 1
                result.add(base if n == 0 else '%s-%d' % (base, n))
            result.update(HTML_ANCHOR.findall(line))
        _anchors[path] = result
    return _anchors[path]


def check_target(page, target):
    """None when the target resolves, else why it does not."""
    if target.startswith('<') and target.endswith('>'):
        target = target[1:-1]
    if not target or target.lower().startswith(EXTERNAL) or target.startswith('//'):
        return None
    path, _, fragment = target.partition('#')
    path = urllib.parse.unquote(path)
    fragment = urllib.parse.unquote(fragment)
    if path.startswith('/'):
        return 'absolute path (use a path relative to the page)'
    if path:
        resolved = os.path.normpath(os.path.join(os.path.dirname(page), path))
        if resolved.startswith('..'):
            return 'points outside the repository'
        if not os.path.exists(os.path.join(ROOT, resolved)):
            return 'no such file or folder: %s' % resolved
    else:
        resolved = page
    if fragment:
        if not resolved.endswith('.md') or not os.path.isfile(os.path.join(ROOT, resolved)):
            return None   # anchors in other kinds of file are not checked
        if fragment not in anchors(resolved):
            return 'no heading with anchor #%s in %s' % (fragment, resolved)
    return None


def check_layout(page='docs/development.md'):
    """Broken paths in the first code block under the page's "Layout" heading."""
    full = os.path.join(ROOT, page)
    if not os.path.isfile(full):
        return []
    lines = open(full, encoding='utf-8').read().split('\n')
    problems, under, inside, stack = [], False, False, []
    for number, line in enumerate(lines, 1):
        h = HEADING.match(line)
        if h and not inside:
            if under:
                break
            under = h.group(2).strip().lower() == 'layout'
            continue
        if not under:
            continue
        if FENCE.match(line):
            if inside:
                break
            inside = True
            continue
        if not inside or not line.strip():
            continue
        indent = len(line) - len(line.lstrip(' '))
        depth, name = indent // 2, line.split()[0]
        if indent % 2 or depth > len(stack):
            problems.append((page, number, name, 'indented %d spaces under nothing' % indent))
            continue
        stack[depth:] = [name.rstrip('/')]
        path = os.path.join(*stack)
        where = os.path.join(ROOT, path)
        if not os.path.exists(where):
            problems.append((page, number, path, 'layout names a path that does not exist'))
        elif name.endswith('/') and not os.path.isdir(where):
            problems.append((page, number, path, 'layout names a folder that is a file'))
    return problems


def main():
    quiet = '--quiet' in sys.argv[1:]
    broken, count = [], 0
    for page in pages():
        with open(os.path.join(ROOT, page), encoding='utf-8') as f:
            text = f.read()
        for number, line in prose_lines(text):
            targets = [m.group(1) for m in INLINE.finditer(line)]
            r = REFERENCE.match(line)
            if r:
                targets.append(r.group(1))
            for target in targets:
                count += 1
                why = check_target(page, target)
                if why:
                    broken.append((page, number, target, why))
    broken += check_layout()
    for page, number, target, why in broken:
        print('%s:%d: %s: %s' % (page, number, target, why))
    if broken:
        print('%d broken of %d links (and the layout block)' % (len(broken), count), file=sys.stderr)
        return 1
    if not quiet:
        print('%d links in %d pages, and the layout block of docs/development.md: all resolve' % (count, len(pages())))
    return 0


if __name__ == '__main__':
    sys.exit(main())
