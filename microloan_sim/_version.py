"""The package version, at the bottom of the ladder so any module may read it without importing the package."""

__version__ = "0.1.0"  # kept equal to [project] version in pyproject.toml
