"""The JVM options of viasock's JVMs as bin/viasock runs them: the build's copy of viasock-core's
jvm-options.properties ('key=value' lines, the key up to the first '=', options separated by spaces)."""
import os

FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    "viasock-cli", "target", "jvm-options.properties")


def jvm_options(key):
    """The options under key (client or server); the build must have run."""
    with open(FILE) as f:
        for line in f.read().splitlines():
            if not line.startswith("#") and line.partition("=")[0] == key:
                return line.partition("=")[2].split()
    raise KeyError(f"{FILE} has no line '{key}=...'")
