"""The four Redress services; each owns one stage of the complaint lifecycle and its own database."""
