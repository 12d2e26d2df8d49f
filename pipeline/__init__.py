"""citylinks: multilingual extraction of city-to-city cooperation from news articles."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("citylinks")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.1.0"
