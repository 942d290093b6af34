"""Static files as WhiteNoise serves them: compressed once, by `collectstatic`, with gzip.

`scripts/serve.sh` runs `collectstatic` at every start, and WhiteNoise's storage compresses every
file each time, changed or not. With brotli (at its default, slowest quality) that took 49 s of
CPU for the 15 MB of the theme, the admin and the API's documentation; gzip alone takes a few.
Source maps are only read by a developer's browser tools: they are served as they are.
"""

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedStaticFilesStorage

NON_COMPRESSI = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")


class StaticiCompressi(CompressedStaticFilesStorage):
    def create_compressor(self, **kwargs):
        # WHITENOISE_SKIP_COMPRESS_EXTENSIONS, when an installation sets it, wins.
        estensioni = kwargs.pop("extensions", None) or NON_COMPRESSI
        return super().create_compressor(**kwargs, extensions=estensioni, use_brotli=False)
