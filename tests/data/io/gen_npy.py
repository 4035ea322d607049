#!/usr/bin/python3
"""Write the .npy fixtures of tests/unit/test_io.c with NumPy's own writer.

The unit tests also build .npy bytes by hand for every malformed case; these
files pin the reader to what np.save really produces (header padding, the
descr of aligned structured dtypes, versions 2.0 and 3.0).  Run from the
repository root with Debian's python3-numpy:

    /usr/bin/python3 tests/data/io/gen_npy.py

The output is deterministic; every file is under 1 KiB.
"""
import os

import numpy as np

OUT = os.path.dirname(os.path.abspath(__file__))

# The rows every valid fixture holds: label, logit.
LABELS = [0, 1, 0, 1]
LOGITS = [-1.5, 2.25, 0.0, -3.0e300]


def save(name, arr, version=None):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        if version is None:
            np.save(f, arr)
        else:
            np.lib.format.write_array(f, arr, version=version)


def structured(fields, label_type, score, values, align=False):
    dt = np.dtype(fields, align=align)
    a = np.zeros(len(LABELS), dtype=dt)
    a["label"] = np.array(LABELS).astype(label_type)
    a[score] = values
    return a


def main():
    plain = np.column_stack([LABELS, LOGITS]).astype("<f8")
    save("plain_f8.npy", plain)
    save("plain_f4.npy", np.column_stack([LABELS, [-1.5, 2.25, 0.0, -3.0e30]]).astype("<f4"))
    save("plain_be_f8.npy", plain.astype(">f8"))
    save("plain_v2.npy", plain, version=(2, 0))
    save("struct_b1_f4.npy",
         structured([("label", "|b1"), ("logit", "<f4")], bool, "logit",
                    [-1.5, 2.25, 0.0, -3.0e30]))
    save("struct_i8_f8.npy",
         structured([("label", "<i8"), ("logit", "<f8")], np.int64, "logit", LOGITS))
    save("struct_f4_prob_f4.npy",
         structured([("label", "<f4"), ("prob", "<f4")], np.float32, "prob",
                    [0.25, 0.5, 0.0, 1.0]))
    save("struct_i8_prob_f8.npy",
         structured([("label", "<i8"), ("prob", "<f8")], np.int64, "prob",
                    [0.25, 0.5, 0.0, 1.0]))
    # align=True puts '', '|V7' padding entries into the descr.
    save("struct_aligned.npy",
         structured([("id", "<i4"), ("label", "u1"), ("logit", "<f8"), ("name", "<U3")],
                    np.uint8, "logit", LOGITS, align=True))
    save("struct_be.npy",
         structured([("box", ">f4", (4,)), ("label", ">i2"), ("logit", ">f8"),
                     ("when", "<M8[ns]")], ">i2", "logit", LOGITS))
    save("struct_v3.npy",
         structured([("label", "<i4"), ("logit", "<f8"), ("cat\u00e9gorie", "<i4")],
                    np.int32, "logit", LOGITS), version=(3, 0))
    # Malformed for focal, valid for NumPy.
    save("fortran.npy", np.asfortranarray(plain))
    save("complex.npy", plain.astype("<c16"))
    save("shape3.npy", np.zeros((4, 3)))
    bad = plain.copy()
    bad[2, 0] = 2.0
    save("label2.npy", bad)
    nan = plain.copy()
    nan[3, 1] = np.nan
    save("nan.npy", nan)
    save("empty.npy", np.zeros((0, 2)))
    save("struct_prob_range.npy",
         structured([("label", "|i1"), ("prob", "<f8")], np.int8, "prob",
                    [0.25, 1.5, 0.0, 1.0]))


if __name__ == "__main__":
    main()
