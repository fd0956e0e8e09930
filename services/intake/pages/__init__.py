"""Reference customer pages: the complaint form, the acknowledgement and the tracking page, in Chinese and
English, served by intake and driven by its public API exactly as any other frontend would drive it."""
