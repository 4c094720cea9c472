"""f5ecmp: stand up F5 BIG-IP all-active (ECMP) clusters over iControl REST."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("f5ecmp")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
