#!/usr/bin/env python3
"""Replace bare fact numbers (F29) with docs/device-facts.md#anchor citations.

Run from the repository root: python3 docs/history/replace-fact-numbers.py [DIR...]
(default: compiler examples tests bench fuzz). Re-runnable: it only touches what is left.
Then cargo fmt, and ASENET_UPDATE_GENERATED=1 INSTA_UPDATE=always cargo test."""
import re, sys, os, glob

ANCHOR = {
 1:'node-ips', 2:'kubernetes-vms', 3:'checklists', 4:'node-ips-static', 5:'compute-subnet',
 6:'external-service-ips', 7:'edgehub', 8:'kubernetes-optional', 10:'port-defaults', 11:'two-node-port-addresses',
 12:'device-pools', 14:'cluster-cidrs', 15:'changing-cluster-cidrs', 16:'ports-pro-gpu',
 17:'ports-pro-r', 18:'ports-mini-r', 19:'ports-pro-2', 20:'port-names', 21:'two-node-ports',
 22:'one-compute-switch', 24:'virtual-networks', 25:'no-teaming', 26:'mtu', 27:'route-fields',
 28:'route-cmdlets', 29:'route-constraints', 31:'multiple-gateways', 32:'reserved-addresses',
 33:'networking-components', 34:'metallb-layer2', 35:'shared-ips', 36:'system-endpoints',
 37:'reserved-namespaces', 39:'ipv4-only', 40:'mtu', 41:'names-and-dns', 42:'too-few-service-ips',
 44:'no-overlaps', 45:'reserved-addresses',
}
PAGE = 'docs/device-facts.md#'
ONE = r'F\d{1,2}(?:[-–]F\d{1,2})?'
GROUP = re.compile(r'(?<![A-Za-z0-9_])' + ONE + r'(?:(?:, | and |/)' + ONE + r')*(?![A-Za-z0-9_])')

def anchors(group):
    out = []
    for part in re.split(r', | and |/', group):
        nums = [int(n) for n in re.findall(r'\d+', part)]
        if len(nums) == 2:
            rng = list(range(nums[0], nums[1] + 1))
            if set(rng) <= set(range(16, 21)):
                names = ['ports']
            else:
                names = [ANCHOR[n] for n in rng if n in ANCHOR]
        else:
            names = [ANCHOR[nums[0]]]
        for n in names:
            if n not in out:
                out.append(n)
    return out

LITERAL = [
    ("The source document's own example", "Microsoft's own `Add-HcsNetRoute` example"),
    ("as in the source document's example, ", "as in Microsoft's `Add-HcsNetRoute` example, "),
    ("The source document's scenario is exactly this", "The scenario of Microsoft's Kubernetes networking article is exactly this"),
    ("The source document is explicit", "Microsoft's Kubernetes networking article is explicit"),
    ("the source document's five fields", "the five fields of a route in Microsoft's Kubernetes networking article"),
    ('The source document\'s scenario ("Kubernetes networking on Azure Stack Edge Pro GPU"):', 'The scenario of Microsoft\'s article "Kubernetes networking on Azure Stack Edge Pro GPU" (F28):'),
    ("The document's own example uses", "The article's own example uses"),
    ("The source document's example as written", "Microsoft's `Add-HcsNetRoute` example as written"),
    ("The source document's scenario gone wrong", "The scenario of Microsoft's Kubernetes networking article gone wrong"),
]
COLON = re.compile(r'\((' + GROUP.pattern + r'): ([^()]*)\)')

def replace_line(line):
    line = COLON.sub(lambda m: '(' + m.group(2) + '; see ' + m.group(1) + ')', line)
    def sub(m):
        names = anchors(m.group(0))
        text = ', '.join(PAGE + n for n in names)
        before = line[m.start() - 1] if m.start() > 0 else ''
        if before in '("':
            text = 'see ' + text
        return text
    return GROUP.sub(sub, line)


SPECIAL = re.compile(r'^(```|[-*] |\d+\. |\||#|>)')

def split_comment(line, comment):
    m = re.match(r'^(\s*(?:' + comment + r'))( *)(.*)$', line)
    if not m:
        return None
    return m.group(1), m.group(2), m.group(3)

def reflow(lines, index, limit, comment):
    """Push the words past `limit` of lines[index] down into the next line of the paragraph."""
    while index < len(lines) and len(lines[index]) > limit:
        parts = split_comment(lines[index], comment)
        if not parts or '|' in lines[index]:
            return
        marker, spaces, body = parts
        prefix = marker + spaces
        cut = lines[index].rfind(' ', len(prefix) + 1, limit + 1)
        if cut <= len(prefix):
            return
        head, overflow = lines[index][:cut].rstrip(), lines[index][cut + 1:]
        lines[index] = head
        nxt = split_comment(lines[index + 1], comment) if index + 1 < len(lines) else None
        # continuation indentation: list items continue two spaces in
        cont_spaces = spaces
        if re.match(r'^[-*] ', body):
            cont_spaces = spaces + '  '
        if nxt and nxt[0] == marker and nxt[2] and not SPECIAL.match(nxt[2]) and nxt[1] == cont_spaces:
            lines[index + 1] = marker + nxt[1] + overflow + ' ' + nxt[2]
        else:
            lines.insert(index + 1, marker + cont_spaces + overflow)
        index += 1

SUMMARY_CITE = re.compile(r' ?\((' + GROUP.pattern + r')\)|(' + GROUP.pattern + r'); ')

def process(path):
    original = open(path, encoding='utf-8').read()
    text = original
    for old, new in LITERAL:
        text = text.replace(old, new)
    lines = text.split('\n')
    touched = [a != b for a, b in zip(lines, original.split('\n'))]
    is_rust = path.endswith('.rs')
    comment = '///|//!|//' if is_rust else '#'
    limit = 100 if is_rust else 92
    in_summary = False
    for index, line in enumerate(lines):
        if is_rust and 'summary:' in line:
            in_summary = True
        if in_summary:
            new = SUMMARY_CITE.sub('', line)
            if line.rstrip().endswith('",') or line.rstrip().endswith('"'):
                in_summary = False
        else:
            new = replace_line(line)
        if new != line:
            lines[index] = new
            touched[index] = True
    # Reflow the comment lines that changed, top to bottom (a reflow may insert lines).
    index = 0
    while index < len(lines):
        if index < len(touched) and touched[index] and split_comment(lines[index], comment):
            before = len(lines)
            reflow(lines, index, limit, comment)
            touched[index + 1:index + 1] = [False] * (len(lines) - before)
        index += 1
    text = '\n'.join(lines)
    if text != original:
        open(path, 'w', encoding='utf-8').write(text)
        return True
    return False

roots = sys.argv[1:] or ['compiler', 'examples', 'tests', 'bench', 'fuzz']
for root in roots:
    for path in glob.glob(root + '/**/*', recursive=True):
        if not (path.endswith('.rs') or path.endswith('.toml')):
            continue
        if '/snapshots/' in path or path.endswith('tests/it/docs.rs') or '/target/' in path or path.endswith('Cargo.toml'):
            continue
        try:
            if process(path):
                print('changed', path)
        except UnicodeDecodeError:
            pass
