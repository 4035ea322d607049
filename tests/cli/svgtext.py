#!/usr/bin/env python3
"""Check an SVG written with --svg-text against cairo's SVG of the same
figure (focal plot NAME -o cairo.svg and -o text.svg --svg-text):
  - text.svg is well-formed XML whose text is in <text> elements, each with
    a font-family and a font-size, and holds no glyph outlines;
  - everything but the text is drawn the same: the same <path> elements
    (outside cairo's glyph <symbol>s), in the same order;
  - each horizontal <text> sits where cairo put the text: its first
    baseline is the y of a glyph cairo drew, and a left-aligned text starts
    at that glyph's x (to 0.01 pt);
  - the strings given after the files appear as the content of a <text>.
Usage: svgtext.py cairo.svg text.svg [STRING...]; exit 1 with a message."""
import re
import sys
import xml.dom.minidom

cairo_svg = open(sys.argv[1], encoding='utf-8').read()
text_svg = open(sys.argv[2], encoding='utf-8').read()
fail = []

doc = xml.dom.minidom.parseString(text_svg.encode('utf-8'))
texts = doc.getElementsByTagName('text')
if not texts:
    fail.append('no <text> element')
for t in texts:
    if not t.getAttribute('font-family') or not t.getAttribute('font-size'):
        fail.append('a <text> without font-family or font-size')
        break
if 'glyph' in text_svg:
    fail.append('glyph outlines in the --svg-text file')


def content(node):
    return ''.join(c.data if c.nodeType == c.TEXT_NODE else content(c) for c in node.childNodes)


def drawing_paths(svg):
    svg = re.sub(r'<symbol.*?</symbol>', '', svg, flags=re.S)
    return re.findall(r'<path [^>]*>', svg)


if drawing_paths(cairo_svg) != drawing_paths(text_svg):
    fail.append('the drawing other than text differs from cairo\'s (%d against %d paths)'
                % (len(drawing_paths(cairo_svg)), len(drawing_paths(text_svg))))

glyphs = [(float(x), float(y)) for x, y in
          re.findall(r'<use xlink:href="#glyph[^"]*" x="([-0-9.e]+)" y="([-0-9.e]+)"', cairo_svg)]
checked = 0
for t in texts:
    m = re.fullmatch(r'translate\(([-0-9.]+) ([-0-9.]+)\)', t.getAttribute('transform'))
    if not m:
        continue  # rotated (the y labels)
    x, y = float(m.group(1)), float(m.group(2)) + float(t.getAttribute('y'))
    row = [gx for gx, gy in glyphs if abs(gy - y) < 0.01]
    what = repr(content(t))
    if not row:
        fail.append('no glyph of cairo\'s on the baseline y = %.3f of %s' % (y, what))
    elif t.getAttribute('text-anchor') == 'start' and min(abs(gx - x) for gx in row) > 0.01:
        fail.append('%s starts at x = %.3f, cairo\'s glyphs at %s' % (what, x, row[:4]))
    checked += 1
if checked == 0:
    fail.append('no horizontal <text> to check')

words = [content(t) for t in texts]
for s in sys.argv[3:]:
    if not any(s in w for w in words):
        fail.append('no <text> says %r' % s)

for f in fail:
    print('svgtext.py: ' + f)
sys.exit(1 if fail else 0)
