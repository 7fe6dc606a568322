#!/usr/bin/python3
# Regenerates votable-astropy-{td,binary,binary2}.xml: one small table of
# many datatypes and arraysizes, with masked values, written by astropy in
# the three serialisations.  test-votable checks that our reader reads the
# three files to the same text.  Run from tests/data with /usr/bin/python3.
import numpy as np
from astropy.io.votable.tree import VOTableFile, Resource, Table, Field

vot = VOTableFile()
res = Resource()
vot.resources.append(res)
fields = [
    Field(vot, name="b", datatype="boolean"),
    Field(vot, name="ub", datatype="unsignedByte"),
    Field(vot, name="s", datatype="short"),
    Field(vot, name="i", datatype="int"),
    Field(vot, name="l", datatype="long"),
    Field(vot, name="f", datatype="float"),
    Field(vot, name="d", datatype="double"),
    Field(vot, name="c", datatype="char", arraysize="*"),
    Field(vot, name="c6", datatype="char", arraysize="6"),
    Field(vot, name="u", datatype="unicodeChar", arraysize="*"),
    Field(vot, name="d3", datatype="double", arraysize="3"),
    Field(vot, name="dv", datatype="double", arraysize="*"),
    Field(vot, name="i2x2", datatype="int", arraysize="2x2"),
    Field(vot, name="fc", datatype="floatComplex"),
    Field(vot, name="dc", datatype="doubleComplex"),
    Field(vot, name="bit", datatype="bit", arraysize="4"),
]
# declared nulls so masked integers survive every serialisation
for f in fields:
    if f.datatype in ("short", "int", "long", "unsignedByte"):
        f.values.null = 99 if f.datatype == "unsignedByte" else -99
table = Table(vot)
res.tables.append(table)
table.fields.extend(fields)
table.create_arrays(3)
rows = [
    (True, 7, -300, 123456, -1234567890123, 1.5, 0.1, "polygon 1 2 3 4 5 6",
     "abcdef", "h\u00e9llo", [1.0, 2.5, -3.0], [0.5, 0.25], [[1, 2], [3, 4]],
     1.5 - 2j, 0.1 + 0.2j, [True, False, True, True]),
    (False, 0, 32767, -1, 42, -0.25, -1e-300, "x & <y>", "ab", "\u03a9",
     [0.0, 0.0, 1.0], [7.0], [[-1, -2], [-3, -4]], 0j, -1 + 1e-300j,
     [False, False, False, True]),
    (False, 0, 0, 0, 0, 0.0, 0.0, "", "", "", [0.0, 0.0, 0.0], [], [[0, 0], [0, 0]],
     0j, 0j, [False, False, False, False]),
]
for r, row in enumerate(rows):
    for k, f in enumerate(fields):
        v = row[k]
        if f.name == "dv":
            v = np.ma.array(v, dtype=float)
        table.array[f.name][r] = v
# the last row is null everywhere scalar (masked)
for name in ("b", "ub", "s", "i", "l", "f", "d", "c", "u", "fc", "dc"):
    table.array.mask[2][name] = True
table.format = "tabledata"
vot.to_xml("votable-astropy-td.xml")
# re-read (astropy then holds proper masked arrays) and write binary forms
from astropy.io.votable import parse
vot2 = parse("votable-astropy-td.xml")
for fmt in ("binary", "binary2"):
    vot2.get_first_table().format = fmt
    vot2.to_xml(f"votable-astropy-{fmt}.xml")
