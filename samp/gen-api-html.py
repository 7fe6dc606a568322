#!/usr/bin/python3
"""gen-api-html.py: libsamp's API reference, one HTML page made from the
public headers' own comments (`make docs`; doc/LIBSAMP.md).

    gen-api-html.py OUT.html VERSION HEADER...

The headers are written for people, not for a documentation tool, and this
script reads them as they are:
  - a header's opening comment is its introduction (blank lines separate
    paragraphs; lines indented by two or more spaces stay preformatted);
  - a "/* ---- title ---- */" comment starts a section;
  - a comment directly above declarations documents them all (a group:
    foo_async, foo_finish, foo); a declaration runs to its ';'.
Every function gets an anchor (#samp_client_new) and an index entry; SAMP_API
is left out of the prototypes.  Plain Python 3, no other module.
"""
import html
import os
import re
import sys

NAME_PATTERNS = [
    re.compile(r"^#define\s+([A-Z0-9_]+)"),                 # a macro
    re.compile(r"\b(samp_[a-z0-9_]+)\s*\("),                  # a function
    re.compile(r"\}\s*([A-Za-z_][A-Za-z0-9_]*)\s*;\s*$"),    # typedef struct/enum {...} Name;
    re.compile(r"\(\*\s*([A-Za-z_][A-Za-z0-9_]*)\)\s*\("),   # a function pointer type
    re.compile(r"^typedef\s.*\b([A-Za-z_][A-Za-z0-9_]*)\s*;"),  # typedef ... Name;
    re.compile(r"^G_DECLARE_FINAL_TYPE\s*\(\s*([A-Za-z]+)"),  # a GObject type
]


def decl_name(code):
    for pat in NAME_PATTERNS:
        m = pat.search(code)
        if m:
            return m.group(1)
    return None


def comment_text(lines):
    """The text of a /* ... */ block, without the comment marks."""
    text = "\n".join(lines)
    text = re.sub(r"^\s*/\*+", "", text)
    text = re.sub(r"\*+/\s*$", "", text)
    return [re.sub(r"^\s?\*( |$)", "", l).rstrip() for l in text.split("\n")]


def prose(lines):
    """Comment lines as HTML: paragraphs, preformatted indented runs, @param as code."""
    out, para, pre = [], [], []

    def flush():
        if para:
            out.append("<p>" + " ".join(para) + "</p>")
            para.clear()
        if pre:
            out.append("<pre>" + "\n".join(pre) + "</pre>")
            pre.clear()
    for raw in lines:
        line = html.escape(raw)
        line = re.sub(r"@([a-z_]+)", r"<code>\1</code>", line)
        line = re.sub(r"\b(samp_[a-z0-9_]+)\(\)", r'<a href="#\1">\1()</a>', line)
        if not raw.strip():
            flush()
        elif raw.startswith("  "):
            if para:
                flush()
            pre.append(line)
        else:
            if pre:
                flush()
            para.append(line.strip())
    flush()
    return "\n".join(out)


def parse(path):
    """(intro lines, [(kind, payload)]) with kind 'section' or 'entry'."""
    src = open(path, encoding="utf-8").read().split("\n")
    intro, items = None, []
    i, pending = 0, None          # pending: the comment just above
    while i < len(src):
        line = src[i]
        s = line.strip()
        if s.startswith("/*"):
            block = [line]
            while "*/" not in src[i]:
                i += 1
                block.append(src[i])
            i += 1
            text = comment_text(block)
            if intro is None:
                intro = text
            elif len(text) == 1 and re.match(r"^-+ .* -+$", text[0].strip()):
                items.append(("section", text[0].strip(" -")))
                pending = None
            else:
                pending = text
            continue
        if not s or s.startswith(("#pragma", "#include", "#if", "#else", "#elif", "#endif",
                                  "G_BEGIN_DECLS", "G_END_DECLS", "G_DEFINE_AUTOPTR")):
            if not s:
                pending = None
            i += 1
            continue
        # a run of declarations without a blank line between: one entry
        decls = []
        while (i < len(src) and src[i].strip() and not src[i].strip().startswith("/*")
               and not re.match(r"#(if|else|elif|endif)", src[i])):
            code = [src[i]]
            opened = src[i].count("{") - src[i].count("}")
            while not (code[-1].rstrip().endswith((";", ")")) and opened <= 0
                       and not code[-1].rstrip().endswith("\\")) and i + 1 < len(src):
                if code[-1].startswith("#define") and not code[-1].rstrip().endswith("\\"):
                    break
                i += 1
                code.append(src[i])
                opened += src[i].count("{") - src[i].count("}")
            i += 1
            text = re.sub(r"^SAMP_API ", "", "\n".join(code), flags=re.M)
            if not text.startswith(("G_END_DECLS", "G_DEFINE_AUTOPTR")):
                decls.append(text)
        if decls:
            items.append(("entry", (decls, pending or [])))
        pending = None
    return intro or [], items


def main():
    out, version, headers = sys.argv[1], sys.argv[2], sys.argv[3:]
    toc, body, seen = [], [], set()
    for h in headers:
        name = os.path.basename(h)
        intro, items = parse(h)
        hid = "h-" + name.replace(".", "-")
        toc.append('<li><a href="#%s">%s</a><ul class="names">' % (hid, name))
        body.append('<h2 id="%s">&lt;samp/%s&gt;</h2>' % (hid, name))
        body.append(prose(intro))
        for kind, payload in items:
            if kind == "section":
                body.append("<h3>%s</h3>" % html.escape(payload))
                continue
            decls, comment = payload
            all_names = [n for n in dict.fromkeys(decl_name(d) for d in decls) if n]
            names = [n for n in all_names if n not in seen]
            if all_names and not names:
                continue          # e.g. the second branch of an #if
            seen.update(names)
            anchors = "".join('<a id="%s"></a>' % n for n in names)
            body.append('<div class="entry">%s<pre class="decl">%s</pre>%s</div>'
                        % (anchors, html.escape("\n".join(decls)), prose(comment)))
            toc.extend('<li><a href="#%s">%s</a></li>' % (n, n) for n in names)
        toc.append("</ul></li>")
    page = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>libsamp %(v)s API reference</title>
<style>
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.4; }
pre { background: #f4f4f4; padding: .5em; overflow-x: auto; }
pre.decl { background: #eef3fa; border-left: 3px solid #5b7db1; }
.entry { margin: 1.2em 0; }
ul.names { font-size: 90%%; columns: 2; }
</style></head><body>
<h1>libsamp %(v)s API reference</h1>
<p>Generated by <code>make docs</code> from the public headers; include
<code>&lt;samp/samp.h&gt;</code> and build with <code>pkg-config --cflags --libs samp</code>.</p>
<ul>%(toc)s</ul>
%(body)s
</body></html>
""" % {"v": html.escape(version), "toc": "\n".join(toc), "body": "\n".join(body)}
    with open(out, "w", encoding="utf-8") as f:
        f.write(page)


if __name__ == "__main__":
    main()
