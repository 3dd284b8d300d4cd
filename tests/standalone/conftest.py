import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from sparkplane_server import Server, binary  # noqa: E402,F401  (binary is a fixture)
