"""A small detector of English in a text that should be Spanish (tests of `--lang es`).

    assert english_in(screen_text) == []

It looks for English words that are no Spanish word: function words (the,
of, is, with, ...) and the words of clustersim's own screens (node, leader,
round, stored, ...). What is a name in any language is taken out first:
commands as typed (`clustersim kill 3 --hard`, the footer's command list),
options, paths, URLs and addresses, the ZooKeeper and signal names written in
capitals (SUSPENDED, LOST, SIGKILL), host names. It also finds numbers
written the English way (3,096 or 78.79), which a Spanish reader misreads.
"""

import re
import socket

ENGLISH = set("""
the of and is are was were to in on at for with by from not it its this that be been have had will would can
cannot into than then when while after before again still every none nothing only both why what how who which
there here one two three first last new old each yes
node nodes leader leaders round rounds stored started stopped killed paused resumed running waiting elected
election session sessions connected connection delivered missed empty readings reading mean back left gone
dead crashed notices timeout seconds failover outbox pending dropped uptime events timeline leadership graceful
waited shutting down joined remote epoch state role age notes follower followers step press enter next results
rows row missing gap gaps wait waits unreachable unsafe server servers quorum because
""".split())

# written in capitals, these are names (ZooKeeper's connection states, signals, protocols)
NAMES = {"SUSPENDED", "LOST", "CONNECTED", "SIGTERM", "SIGKILL", "SIGSTOP", "SIGCONT", "SIGINT", "SIGHUP",
         "API", "OK", "HTTP", "JSON", "ID", "INDEX", "URL"}

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")
_TAKE_OUT = [
    re.compile(r"`[^`]*`"),                                          # `clustersim kill 3`
    re.compile(r"clustersim(?: [a-z-]+)?(?: (?:ID|INDEX|\d+|\[--[a-z-]+\]|--[a-z-]+(?: \S+)?))*"),
    re.compile(r"(?<![\w])(?:kill|pause|resume|start|logs|status|stop)(?= ID\b)"),   # the footer's commands
    re.compile(r"--[a-z][a-z-]*"),                                   # options
    re.compile(r"https?://\S+"),                                     # URLs
    # addresses before paths: a ZooKeeper address's chroot (127.0.0.1:2181/t-84be1d) is a path once
    # the address is out, and its random hex must not read as English ("be")
    re.compile(r"\b\d+(?:\.\d+){3}(?::\d+)?\b"),                     # addresses
    re.compile(r"(?<![\w])/[\w./<>-]+"),                             # paths and znodes
    re.compile(r"\b\d\d:\d\d:\d\d(?:\.\d+)?\b"),                     # clock times
    re.compile(r"\b\d+\.\.\d+\b"),                                   # round spans 7..9
]
# 3,096 (a thousands comma) or 78.79 (a decimal point); 3.096 is Spanish thousands and passes
_ENGLISH_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+(?![\d,])|\b(?!\d{1,3}(?:\.\d{3})+\b)\d+\.\d+\b")


def plain(text: str) -> str:
    """`text` without terminal escape codes."""
    return _ANSI.sub("", text)


def english_in(text: str, names=()):
    """The English words and English-style numbers in `text` (with a little context), [] if none.
    `names` are more words to take out first (cluster names, host names)."""
    text = plain(text)
    for name in list(names) + [socket.gethostname()]:
        if name:
            text = text.replace(name, " ")
    for pattern in _TAKE_OUT:
        text = pattern.sub(" ", text)
    found = []
    for match in re.finditer(r"[A-Za-z]+", text):
        word = match.group(0)
        if word in NAMES:
            continue
        if word.lower() in ENGLISH:
            found.append(_context(text, match))
    for match in _ENGLISH_NUMBER.finditer(text):
        found.append(_context(text, match))
    return found


def _context(text, match):
    line_start = text.rfind("\n", 0, match.start()) + 1
    line_end = text.find("\n", match.end())
    line = text[line_start: line_end if line_end >= 0 else len(text)].strip()
    return f"{match.group(0)!r} in: {line[:160]}"
