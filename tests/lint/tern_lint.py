#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Forbidden constructs in tern's lib/, in the manner of DPDK's
devtools/checkpatches.sh. Standard library only.

    tern_lint.py ROOT             scan ROOT/lib; print file:line: [rule]
                                  message per finding; exit 1 if any
    tern_lint.py --selftest ROOT  scan ROOT/lib (the samples) and check
                                  that the findings are exactly the lines
                                  marked with a comment "lint-expect: RULE"
                                  (comma-separated for several), and that
                                  every rule is exercised; exit 0 if so

Rules (see tests/lint/README.md for the reasons):
  clock-read    a clock read outside lib/runtime/tern_clock.h
  time-set      a write of a context's now_ns, or of any now_ms, outside
                lib/core/tern_ctx.h (tern_ctx_set_now() sets both)
  no-exit       rte_panic, rte_exit, RTE_VERIFY, abort(), exit() in lib/
  state-assign  assignment to a `state` field in lib/tcp/ outside
                lib/tcp/tcp_fsm.c (tcp_set_state() is the one place)
  fsm-count     a write of a state count (state_count[]) or a row count
                (fsm_hits[]) in lib/tcp/ outside lib/tcp/tcp_fsm.c: a row
                is counted only when the step has executed it
  static-local  a mutable `static` variable inside a function
  file-state    mutable variables at file scope, thread-locals and
                per-lcore variables (all state lives in struct tern_ctx)
  todo          TODO or FIXME in lib/tcp/
  docs-ref      a docs/... path cited in lib/, app/, bench/ or tests/
                that does not exist; in lib/ and app/ also a bare *.md
                name found nowhere in the tree, or a "catalogue N"
                citation (a list that is not in the repository)
"""

import os
import re
import sys

CLOCK_MODULE = "lib/runtime/tern_clock.h"
CTX_MODULE = "lib/core/tern_ctx.h"
# The POSIX calls carry no context: the socket layer finds its worker from
# the calling thread, in this one file (lib/socket/sock_thread.c).
SOCK_THREAD_MODULE = "lib/socket/sock_thread.c"
FSM_FILE = "lib/tcp/tcp_fsm.c"
TCP_DIR = "lib/tcp/"

RULES = ("clock-read", "time-set", "no-exit", "state-assign", "fsm-count",
         "static-local", "file-state", "todo", "docs-ref", "file-length")

# A file of lib/ that grows past this holds more than one concern: split
# it by concern (docs/architecture.md).
MAX_LIB_LINES = 800

# Where docs/ citations are checked, and the files looked at there.
CITING_DIRS = ("lib", "app", "bench", "tests")
CITING_FILES = (".c", ".h", ".def", ".py", ".sh", "meson.build")
# The shipped code must cite only what ships with it.
SHIPPED_DIRS = ("lib/", "app/")
SAMPLES_DIR = "tests/lint/samples"
DOCS_PATH_RE = re.compile(r"(?<![\w/.-])docs/[\w./-]*[\w/]")
BARE_MD_RE = re.compile(r"(?<![\w/.-])([\w-]+\.md)\b")
CATALOGUE_RE = re.compile(r"\bcatalogue\s+\d+", re.IGNORECASE)

# A call, not a member: "ctx->time(" or "s.clock(" are someone's field.
NOT_MEMBER = r"(?<![\w.>])"

CLOCK_RE = re.compile(
    NOT_MEMBER + r"(rte_get_tsc_cycles|rte_rdtsc\w*|rte_get_timer_cycles|"
    r"rte_get_hpet_cycles|clock_gettime|gettimeofday|timespec_get|"
    r"__rdtsc\w*|__builtin_ia32_rdtsc\w*|time|clock)\s*\(")
# ctx->now_ns = t, w->ctx.now_ns += d, x->now_ms = m: the step's time and
# its conversions change together, in tern_ctx_set_now() only. A conf's
# now_ns (struct tern_stack_conf) is not the context's.
TIME_SET_RE = re.compile(
    r"(\bctx\s*(?:->|\.)\s*now_ns|(?:->|\.)\s*now_ms)\s*" +
    r"(?:(?:<<|>>|[-+*/%&|^])?=(?!=)|\+\+|--)")
EXIT_RE = re.compile(
    NOT_MEMBER + r"(rte_panic|rte_exit|RTE_VERIFY|abort|exit|_exit|_Exit|"
    r"quick_exit)\s*\(")
ASSIGN_OP = r"(?:<<|>>|[-+*/%&|^])?=(?!=)"
# c->state = ...; c.state = ...; but not a designated initializer
# "{ .state = X }", whose dot follows a brace, a comma or a line start.
STATE_RE = re.compile(
    r"(->\s*state\s*" + ASSIGN_OP + r"|(?<=[\w\])])\s*\.\s*state\s*" +
    ASSIGN_OP + r")")
# tcp->state_count[s]++, --x->fsm_hits[r], fsm_hits[r] += 1, and the
# like; reads (x = tcp->state_count[s], memcpy from it) are fine.
COUNT_ARRAY = r"\b(?:state_count|fsm_hits)\s*\[[^\]]*\]"
COUNT_RE = re.compile(
    r"(?:\+\+|--)\s*(?:[\w.>-]*?)" + COUNT_ARRAY + r"|" + COUNT_ARRAY +
    r"\s*(?:\+\+|--|" + ASSIGN_OP + r")")
TODO_RE = re.compile(r"\b(TODO|FIXME)\b")
THREAD_STATE_RE = re.compile(
    r"\b(RTE_DEFINE_PER_LCORE|__thread|_Thread_local|thread_local)\b")
EXPECT_RE = re.compile(r"lint-expect:\s*([\w,\s-]+?)\s*(?:\*/|$)")


class Finding:
    def __init__(self, path, line, rule, msg):
        self.path, self.line, self.rule, self.msg = path, line, rule, msg

    def key(self):
        return (self.path, self.line, self.rule)

    def __str__(self):
        return "%s:%d: [%s] %s" % (self.path, self.line, self.rule,
                                   self.msg)


def strip_comments_and_strings(text):
    """Blank out comments and string/char literals, keeping newlines
    and columns, so that code rules never match prose."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if c == "/" and nxt == "*":
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
        elif c == "/" and nxt == "/":
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j]))
            if j < n and text[j] == c:
                out.append(c)
                j += 1
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def blank_preprocessor(code):
    """Blank preprocessor lines (and their continuations): they take no
    part in brace depth or declarations."""
    lines = code.split("\n")
    cont = False
    for i, line in enumerate(lines):
        if cont or line.lstrip().startswith("#"):
            cont = line.rstrip().endswith("\\")
            lines[i] = ""
    return "\n".join(lines)


def is_mutable_declaration(decl):
    """decl: a declaration without its initializer. Immutable when const
    qualifies the object itself: 'const T x', 'const T *const p'."""
    if "*" in decl:
        return not all(re.match(r"\s*const\b", part)
                       for part in decl.split("*")[1:])
    return re.search(r"\bconst\b", decl) is None


def line_of(code, pos):
    return code.count("\n", 0, pos) + 1


def check_block_statics(path, code, findings):
    """'static' inside braces (a function body): mutable ones are state
    hidden in a function."""
    depth = 0
    for m in re.finditer(r"[{}]|\bstatic\b", code):
        tok = m.group(0)
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth = max(depth - 1, 0)
        elif depth > 0 and not re.search(r"\[\s*$",
                                         code[max(0, m.start() - 16):
                                              m.start()]):
            end = re.compile(r"[=;]").search(code, m.end())
            decl = code[m.start():end.start() if end else len(code)]
            if is_mutable_declaration(decl):
                findings.append(Finding(
                    path, line_of(code, m.start()), "static-local",
                    "mutable static variable inside a function; keep "
                    "state in struct tern_ctx"))


def strip_attributes(text):
    """Drop compiler attributes and DPDK's attribute macros
    (__rte_cache_aligned, __attribute__((...)), ...) with their
    arguments: they are not declarators."""
    out = []
    i = 0
    for m in re.finditer(r"\b__\w+", text):
        if m.start() < i:
            continue
        out.append(text[i:m.start()])
        i = m.end()
        rest = re.match(r"\s*\(", text[i:])
        if rest:
            depth = 0
            j = i + rest.end() - 1
            while j < len(text):
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                j += 1
                if depth == 0:
                    break
            i = j
    out.append(text[i:])
    return "".join(out)


def file_scope_statements(code):
    """Yield (start offset, text) of each file-scope statement, with the
    contents of any braces replaced by '{}', and whether it was a
    function definition (skipped)."""
    depth = 0
    start = None
    buf = []
    is_func = False
    for i, c in enumerate(code):
        if depth == 0:
            if start is None:
                if c.isspace():
                    continue
                start, buf, is_func = i, [], False
            if c == "{":
                head = "".join(buf)
                is_func = "=" not in head and "(" in head
                buf.append("{}")
                depth = 1
            elif c == ";":
                yield start, "".join(buf), False
                start = None
            elif c == "}":
                pass
            else:
                buf.append(c)
        else:
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0 and is_func:
                    yield start, "".join(buf), True
                    start = None


def check_file_scope(path, code, findings):
    for start, stmt, is_func in file_scope_statements(code):
        s = " ".join(strip_attributes(stmt).split())
        if is_func or not s:
            continue
        if re.match(r"(typedef|extern|_Static_assert|static_assert)\b", s):
            continue
        decl = s.split("=", 1)[0]
        has_init = "=" in s
        # Prototypes and file-scope macro invocations (RTE_INIT(...);),
        # unless a function-pointer declarator or an initializer shows a
        # variable.
        if "(" in decl and not has_init and not re.search(r"\(\s*\*", decl):
            continue
        # Type definitions and forward declarations declare no object.
        if re.fullmatch(r"(?:(?:static|const)\s+)*(?:struct|union|enum)"
                        r"(?:\s+\w+)?\s*(?:\{\})?", decl.strip()):
            continue
        if is_mutable_declaration(decl):
            findings.append(Finding(
                path, line_of(code, start), "file-state",
                "mutable variable at file scope; keep state in struct "
                "tern_ctx (or make it const)"))


def check_file(root, rel, findings):
    with open(os.path.join(root, rel), encoding="utf-8",
              errors="replace") as f:
        raw = f.read()
    code = strip_comments_and_strings(raw)
    code_lines = code.split("\n")
    raw_lines = raw.split("\n")
    in_tcp = rel.startswith(TCP_DIR)

    for no, line in enumerate(code_lines, 1):
        if rel != CLOCK_MODULE:
            m = CLOCK_RE.search(line)
            if m:
                findings.append(Finding(
                    rel, no, "clock-read",
                    "%s(): read time from ctx->now_ns; only %s reads a "
                    "clock" % (m.group(1), CLOCK_MODULE)))
        if rel != CTX_MODULE and TIME_SET_RE.search(line):
            findings.append(Finding(
                rel, no, "time-set",
                "set the step's time with tern_ctx_set_now(), which "
                "converts it once for the fast path"))
        m = EXIT_RE.search(line)
        if m:
            findings.append(Finding(
                rel, no, "no-exit",
                "%s(): lib/ must not end the process; return -errno or "
                "count and drop" % m.group(1)))
        if in_tcp and rel != FSM_FILE and STATE_RE.search(line):
            findings.append(Finding(
                rel, no, "state-assign",
                "state is assigned only by the step in " + FSM_FILE))
        if in_tcp and rel != FSM_FILE and COUNT_RE.search(line):
            findings.append(Finding(
                rel, no, "fsm-count",
                "state and row counts are written only by the step in " +
                FSM_FILE))
        m = THREAD_STATE_RE.search(line)
        if m and rel != SOCK_THREAD_MODULE:
            findings.append(Finding(
                rel, no, "file-state",
                "%s: per-thread state; keep it in struct tern_ctx" %
                m.group(1)))
    if in_tcp:
        for no, line in enumerate(raw_lines, 1):
            m = TODO_RE.search(line)
            if m:
                findings.append(Finding(
                    rel, no, "todo",
                    "%s in the TCP engine: finish it or open an issue" %
                    m.group(1)))

    nb_lines = len(raw_lines) - (1 if raw_lines[-1] == "" else 0)
    if nb_lines > MAX_LIB_LINES:
        findings.append(Finding(
            rel, MAX_LIB_LINES + 1, "file-length",
            "%d lines, over %d: split the file by concern" %
            (nb_lines, MAX_LIB_LINES)))

    structural = blank_preprocessor(code)
    check_block_statics(rel, structural, findings)
    if rel != SOCK_THREAD_MODULE:
        check_file_scope(rel, structural, findings)


def tree_md_names(root):
    names = set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        names.update(n for n in filenames if n.endswith(".md"))
    return names


def check_doc_refs(root, rel, md_names, findings):
    """Every docs/ path cited must exist; shipped code cites nothing
    that is not in the tree."""
    with open(os.path.join(root, rel), encoding="utf-8",
              errors="replace") as f:
        lines = f.read().split("\n")
    shipped = rel.startswith(SHIPPED_DIRS)
    for no, line in enumerate(lines, 1):
        for m in DOCS_PATH_RE.finditer(line):
            if not os.path.exists(os.path.join(root, m.group(0))):
                findings.append(Finding(
                    rel, no, "docs-ref",
                    "%s does not exist; cite a document of the tree" %
                    m.group(0)))
        if not shipped:
            continue
        for m in BARE_MD_RE.finditer(line):
            if m.group(1) not in md_names:
                findings.append(Finding(
                    rel, no, "docs-ref",
                    "%s is not in the tree; cite docs/ or a test" %
                    m.group(1)))
        m = CATALOGUE_RE.search(line)
        if m:
            findings.append(Finding(
                rel, no, "docs-ref",
                "'%s' cites a list that is not in the tree; name the "
                "test (test_sNN_...) or the docs/ section" % m.group(0)))


def lint_doc_refs(root, findings):
    md_names = tree_md_names(root)
    for top in CITING_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root,
                                                                 top)):
            dirnames.sort()
            rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
            if rel_dir == SAMPLES_DIR:
                dirnames[:] = []
                continue
            for name in sorted(filenames):
                if name.endswith(CITING_FILES):
                    check_doc_refs(root, rel_dir + "/" + name, md_names,
                                   findings)


def lint_tree(root):
    findings = []
    lib = os.path.join(root, "lib")
    if not os.path.isdir(lib):
        sys.exit("tern_lint: no lib/ under %s" % root)
    for dirpath, dirnames, filenames in os.walk(lib):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith((".c", ".h")):
                rel = os.path.relpath(os.path.join(dirpath, name), root)
                check_file(root, rel.replace(os.sep, "/"), findings)
    lint_doc_refs(root, findings)
    # One report per line and rule, even when two checks agree.
    unique = {f.key(): f for f in findings}
    return [unique[k] for k in sorted(unique)]


def expected_findings(root):
    expected = set()
    for dirpath, _, filenames in os.walk(os.path.join(root, "lib")):
        for name in filenames:
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            with open(path, encoding="utf-8") as f:
                for no, line in enumerate(f, 1):
                    m = EXPECT_RE.search(line)
                    if m:
                        for rule in m.group(1).split(","):
                            expected.add((rel, no, rule.strip()))
    return expected


def selftest(root):
    found = {f.key() for f in lint_tree(root)}
    expected = expected_findings(root)
    ok = True
    for key in sorted(expected - found):
        print("MISSED   %s:%d: [%s]" % key)
        ok = False
    for key in sorted(found - expected):
        print("UNWANTED %s:%d: [%s]" % key)
        ok = False
    for rule in RULES:
        if not any(k[2] == rule for k in expected):
            print("NOT EXERCISED: rule %s has no sample" % rule)
            ok = False
    print("lint selftest: %d expected findings, %d found: %s" %
          (len(expected), len(found), "ok" if ok else "FAILED"))
    return 0 if ok else 1


def main(argv):
    if len(argv) == 3 and argv[1] == "--selftest":
        return selftest(argv[2])
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    findings = lint_tree(argv[1])
    for f in findings:
        print(f)
    if findings:
        print("tern_lint: %d finding(s)" % len(findings))
        return 1
    print("tern_lint: lib/ is clean")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
