"""dragoman: offline news translation with an enforced multilingual glossary."""

__version__ = "0.1.0"
