"""Evidence files on any record: sniffed, size-limited, images re-encoded, served only through a check."""
