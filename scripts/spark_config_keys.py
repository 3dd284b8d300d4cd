#!/usr/bin/env python3
"""Lists the Spark configuration keys an installed Spark knows, for sparkplane's "not a Spark
configuration key" warnings: every string constant of the form spark.x.y in the class files of
SPARK_HOME/jars/spark-*.jar (a key ending in '.' is a family such as spark.hadoop.).

usage: spark_config_keys.py SPARK_HOME   (writes SPARK_HOME/sparkplane-config-keys.txt)
"""
import pathlib
import re
import struct
import sys
import zipfile

KEY = re.compile(rb"spark\.[A-Za-z][A-Za-z0-9_.\-]*")
# Constant-pool entry sizes after the tag byte, by tag (JVMS 4.4); 1 (Utf8) is length-prefixed.
SIZES = {3: 4, 4: 4, 5: 8, 6: 8, 7: 2, 8: 2, 9: 4, 10: 4, 11: 4, 12: 4, 15: 3, 16: 2, 17: 4, 18: 4,
         19: 2, 20: 2}


def utf8_constants(data):
    """The Utf8 constants of one class file (nothing for a damaged one)."""
    if data[:4] != b"\xca\xfe\xba\xbe" or len(data) < 10:
        return
    count = struct.unpack_from(">H", data, 8)[0]
    pos, index = 10, 1
    while index < count and pos < len(data):
        tag = data[pos]
        pos += 1
        if tag == 1:
            (length,) = struct.unpack_from(">H", data, pos)
            yield data[pos + 2:pos + 2 + length]
            pos += 2 + length
        elif tag in SIZES:
            pos += SIZES[tag]
            if tag in (5, 6):
                index += 1  # longs and doubles take two slots
        else:
            return
        index += 1


def main():
    home = pathlib.Path(sys.argv[1])
    keys = set()
    for jar in sorted((home / "jars").glob("spark-*.jar")):
        with zipfile.ZipFile(jar) as z:
            for name in z.namelist():
                if not name.endswith(".class"):
                    continue
                for text in utf8_constants(z.read(name)):
                    if KEY.fullmatch(text):
                        keys.add(text.decode())
    if not keys:
        sys.exit(f"no Spark configuration keys found under {home}/jars")
    out = home / "sparkplane-config-keys.txt"
    tmp = out.with_suffix(".tmp")
    tmp.write_text("".join(k + "\n" for k in sorted(keys)))
    tmp.replace(out)
    print(f"setup: {len(keys)} Spark configuration keys in {out}")


if __name__ == "__main__":
    main()
