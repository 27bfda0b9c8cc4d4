#!/usr/bin/env python3
"""Checks the documentation's vaecreative commands against the CLI's own --help.

  python3 scripts/check-doc-commands.py [--cli PATH] [--quiet]

Reads README.md, docs/*.md and the model cards (models/*/README.md) and finds every `./vaecreative …` or
`vaecreative …` command in their code: shell code blocks (fenced, with no info string or a shell one such as bash; a
`$ ` prompt is dropped and lines ending in a backslash are joined to the next) and inline code spans (which may run
over a line break). An inline code span that starts with a subcommand and then an option, as the tables of
docs/cli.md write them (`vary --seed FILE [--count 8] …`), is a command too.

For each command, the subcommand must be one that `vaecreative --help` lists, and every option it uses (`--name`,
`--name=value`, `-x`, also inside `[…]` and `a|b` alternatives) must be one that `vaecreative SUBCOMMAND --help`
lists.
Values are not checked, so placeholders such as `FILE`, `DIR` or `<...>` may stand in for them; a command whose
subcommand is a placeholder (`vaecreative COMMAND --help`) is skipped, and `vary|sample` checks each alternative. A
command ends at a pipe, `;`, `&&`, `||`, `&`, a redirection or `--`.

The help comes from the built CLI, `dotnet Generator.Host/bin/Release/net10.0/vaecreative.dll SUBCOMMAND --help` (read
once per subcommand); --cli PATH names another build's vaecreative.dll (the tests pass the one beside them). Nothing
is built here.

Prints each problem as `FILE:LINE: command: problem` and exits 1 if there is any; exits 2 when the CLI cannot be run;
exits 0 and prints a count otherwise. Standard library only.
"""
import glob
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CLI = os.path.join(ROOT, 'Generator.Host', 'bin', 'Release', 'net10.0', 'vaecreative.dll')

FENCE = re.compile(r'^\s{0,3}(```+|~~~+)\s*([^\s`]*)')
# Code blocks that hold shell commands; any other info string (text, xml, csharp, json …) is not shell.
SHELL = {'', 'sh', 'bash', 'shell', 'console', 'zsh', 'shell-session'}
# A code span: a run of backticks, then anything up to a run of the same length (CommonMark; it may cross lines).
CODE_SPAN = re.compile(r'(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)', re.S)
PROGRAM = {'vaecreative', './vaecreative'}
# Words that end a command: control operators and redirections.
OPERATOR = re.compile(r'^(\||\|\||&&|;|&|\d*>>?\S*|\d*<\S*|\d*>&\d*)$')
ASSIGNMENT = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*=')
LONG = re.compile(r'^--[A-Za-z0-9][A-Za-z0-9_-]*$')
SHORT = re.compile(r'^-[A-Za-z?]$')
PLACEHOLDER = re.compile(r'^(<.*>|[A-Z][A-Z0-9_]*|…|\.\.\.)$')


def pages():
    """README.md, docs/*.md and each model's card, as paths relative to the repository root."""
    found = ['README.md'] if os.path.isfile(os.path.join(ROOT, 'README.md')) else []
    found += sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, 'docs', '*.md')))
    found += sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, 'models', '*', 'README.md')))
    return found


def code(text):
    """(line number, code, whether inline) for each shell line of a code block and each inline code span of the page."""
    lines = text.split('\n')
    fence, shell, pending, start = None, False, None, 0
    prose = []   # (line number, line) outside code blocks, for the code spans
    for number, line in enumerate(lines, 1):
        m = FENCE.match(line)
        if m and (fence is None or (m.group(1).startswith(fence) and not m.group(2))):
            if fence is None:
                fence, shell = m.group(1)[0] * len(m.group(1)), m.group(2).lower() in SHELL
            else:
                fence = None
                if pending is not None:
                    yield start, pending, False
                    pending = None
            prose.append((number, ''))   # a block ends a paragraph
            continue
        if fence is not None:
            if not shell:
                continue
            stripped = line.strip()
            if pending is None:
                start = number
                if stripped.startswith('$ '):
                    stripped = stripped[2:]
                pending = ''
            if stripped.endswith('\\'):
                pending += stripped[:-1] + ' '
                continue
            yield start, pending + stripped, False
            pending = None
            continue
        prose.append((number, line))
    # Inline code spans, paragraph by paragraph: a span may continue on the next line, never past a blank one.
    paragraph = []
    for number, line in prose + [(len(lines) + 1, '')]:
        if line.strip():
            paragraph.append((number, line))
            continue
        if paragraph:
            joined = '\n'.join(l for _, l in paragraph)
            for m in CODE_SPAN.finditer(joined):
                first = paragraph[joined.count('\n', 0, m.start())][0]
                yield first, m.group(2).replace('\n', ' ').replace('\\|', '|').strip(), True
            paragraph = []


def without_comment(line):
    """The line up to a shell comment (a '#' at the start of a word, outside quotes)."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in '\'"':
            quote = ch
        elif ch == '#' and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def commands(snippet):
    """The word lists of the vaecreative commands in a line of shell (program word first)."""
    try:
        words = shlex.split(without_comment(snippet))
    except ValueError:   # an unbalanced quote: words are all that is checked, so plain splitting will do
        words = without_comment(snippet).split()
    found, at_start = [], True
    i = 0
    while i < len(words):
        word = words[i]
        if OPERATOR.match(word):
            at_start = True
        elif at_start and ASSIGNMENT.match(word):
            pass   # NAME=value before a command sets its environment
        elif at_start and word in PROGRAM:
            j = i + 1
            while j < len(words) and not OPERATOR.match(words[j]) and words[j] != '--':
                j += 1
            found.append(words[i:j])
            i = j
            continue
        else:
            at_start = False
        i += 1
    return found


class CliError(Exception):
    """The CLI could not give its help: a problem of the build, not of the docs."""


class Cli:
    """The help of the CLI at one path, read once per subcommand."""

    def __init__(self, dll):
        self.dll = dll
        self.helps = {}

    def help(self, subcommand):
        """(options: name -> takes a value, subcommands) from `vaecreative [SUBCOMMAND] --help`."""
        if subcommand not in self.helps:
            args = ['dotnet', self.dll] + ([subcommand] if subcommand else []) + ['--help']
            env = dict(os.environ, DOTNET_NOLOGO='1', DOTNET_CLI_TELEMETRY_OPTOUT='1')
            try:
                run = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env)
            except (OSError, subprocess.TimeoutExpired) as e:
                raise CliError('cannot run %s: %s' % (' '.join(args), e)) from None
            if run.returncode != 0:
                raise CliError('%s exited %d:\n%s%s' % (' '.join(args), run.returncode, run.stdout, run.stderr))
            self.helps[subcommand] = parse_help(run.stdout)
        return self.helps[subcommand]


def parse_help(text):
    """The options (name -> whether it takes a value) and subcommands a System.CommandLine help text lists."""
    options, subcommands, section = {}, set(), None
    for line in text.split('\n'):
        if line and not line[0].isspace():
            section = line.strip().rstrip(':').lower()
            continue
        # An entry's first column starts two spaces in; a wrapped description is indented further.
        m = re.match(r'^  (\S.*?)(?:\s{2,}|$)', line)
        if not m:
            continue
        column = m.group(1)
        if section == 'options':
            for alias in column.split(', '):
                name = alias.split(' ')[0]
                if name.startswith('-'):
                    options[name] = '<' in column
        elif section == 'commands':
            subcommands.add(column.split(' ')[0])
    return options, subcommands


def problems_of(words, cli):
    """(command was checked, problems) for one command's words, the program word first."""
    rest = words[1:]
    subcommand = rest[0] if rest and not rest[0].startswith('-') else None
    if subcommand is not None:
        rest = rest[1:]
        if PLACEHOLDER.match(subcommand):
            return False, []
    _, known = cli.help(None)
    problems = []
    for name in (subcommand.split('|') if subcommand else [None]):
        if name is not None and name not in known:
            problems.append("no subcommand '%s' (vaecreative --help lists %s)" % (name, ', '.join(sorted(known))))
            continue
        options, _ = cli.help(name)
        shown = 'vaecreative %s--help' % (name + ' ' if name else '')
        takes_value = False
        for word in rest:
            word = word.lstrip('[({').rstrip('])},;')
            if takes_value and not word.startswith('--'):
                takes_value = False   # the value of the option before (it may look like '-1')
                continue
            takes_value = False
            for alternative in word.split('|'):
                option = alternative.split('=', 1)[0]
                if not (LONG.match(option) or SHORT.match(option)):
                    continue
                if option not in options:
                    problems.append('no option %s in `%s`' % (option, shown))
                else:
                    takes_value = options[option] and '=' not in alternative
    return True, problems


def shown_without_program(snippet, subcommands):
    """Whether an inline code span is a command written without the program's name: a subcommand, then an option."""
    words = snippet.split()
    return (len(words) > 1 and all(name in subcommands for name in words[0].split('|'))
            and words[1].lstrip('[({').startswith('-'))


def main(argv):
    dll, quiet = DEFAULT_CLI, False
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == '--cli' and args:
            dll = args.pop(0)
        elif arg.startswith('--cli='):
            dll = arg[len('--cli='):]
        elif arg == '--quiet':
            quiet = True
        else:
            print(__doc__.strip().split('\n\n')[1], file=sys.stderr)
            return 2
    if not os.path.isfile(dll):
        print('check-doc-commands: no CLI at %s (build Generator.Host in Release, or pass --cli PATH)' % dll,
              file=sys.stderr)
        return 2
    try:
        return check(Cli(os.path.abspath(dll)), quiet)
    except CliError as e:
        print('check-doc-commands: %s' % e, file=sys.stderr)
        return 2


def check(cli, quiet):
    """Checks every page's commands against the help of cli; the exit code."""
    _, subcommands = cli.help(None)
    failures, checked, skipped = [], 0, 0
    for page in pages():
        with open(os.path.join(ROOT, page), encoding='utf-8') as f:
            text = f.read()
        for number, snippet, inline in sorted(code(text), key=lambda c: c[0]):
            found = commands(snippet)
            if not found and inline and shown_without_program(snippet, subcommands):
                found = commands('vaecreative ' + snippet)
            for words in found:
                if len(words) == 1:
                    continue   # the program's name in prose: nothing to check
                was_checked, problems = problems_of(words, cli)
                if not was_checked:
                    skipped += 1
                    continue
                checked += 1
                for problem in problems:
                    failures.append('%s:%d: %s: %s' % (page, number, ' '.join(words), problem))
    for failure in failures:
        print(failure)
    summary = ('%d vaecreative commands in %d pages checked against the CLI\'s --help '
               '(%d with a placeholder subcommand skipped)' % (checked, len(pages()), skipped))
    if failures:
        print('%s: %d problems' % (summary, len(failures)), file=sys.stderr)
        return 1
    if not quiet:
        print(summary + ': every subcommand and option exists')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
