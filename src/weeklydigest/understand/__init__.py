"""Reading an article: clean → spam → extract (dates, places, officials) → dedupe → sections → summarise → terms."""
