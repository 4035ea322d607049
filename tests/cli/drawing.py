#!/usr/bin/env python3
"""Exit 0 when two figure files hold the same drawing: the same bytes apart
from their provenance (the version and command that made them, which
fig_render_opts.source writes and which differs between commands).
  .png  the chunks other than iTXt (IHDR, pHYs, IDAT, IEND)
  .pdf  the bytes before the document info's /Subject (cairo writes the
        info dictionary after every page object)
  .svg  without the <metadata id="focal-provenance"> element
  .gp   without the "# Made by (provenance):" comment block
Anything else is compared byte for byte.  Usage: drawing.py A B, or
drawing.py --dirs DIR1 DIR2: every file of DIR1 against the file of the
same name in DIR2 (one process for a whole figure set), naming each that
differs or is missing."""
import os
import re
import struct
import sys


def drawing(path):
    data = open(path, 'rb').read()
    if path.endswith('.png'):
        out, i = [data[:8]], 8
        while i + 12 <= len(data):
            n = struct.unpack('>I', data[i:i + 4])[0]
            if data[i + 4:i + 8] != b'iTXt':
                out.append(data[i:i + 12 + n])
            i += 12 + n
        return b''.join(out)
    if path.endswith('.pdf'):
        k = data.find(b'/Subject')
        return data if k < 0 else data[:k]
    if path.endswith('.svg'):
        return re.sub(rb'\n<metadata id="focal-provenance">.*?</metadata>', b'', data,
                      count=1, flags=re.S)
    if path.endswith('.gp'):
        return re.sub(rb'# Made by \(provenance\):\n(#     .*\n)*', b'', data, count=1)
    return data


def same_dirs(a, b):
    ok = True
    for name in sorted(os.listdir(a)):
        other = os.path.join(b, name)
        if not os.path.exists(other) or drawing(os.path.join(a, name)) != drawing(other):
            print('%s: the drawing differs from %s' % (name, b))
            ok = False
    return ok


if sys.argv[1] == '--dirs':
    sys.exit(0 if same_dirs(sys.argv[2], sys.argv[3]) else 1)
sys.exit(0 if drawing(sys.argv[1]) == drawing(sys.argv[2]) else 1)
