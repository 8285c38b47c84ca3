"""The canvas the charts are drawn on: matplotlib's Agg, with what repeats kept.

A batch draws a few hundred charts that share most of their texts (tick labels, legend
entries, axis labels) and their size. Stock Agg starts every figure with a new renderer
and rasterises every string glyph by glyph in Python at each draw. :class:`ChartCanvas`
keeps one renderer per size and thread, so matplotlib's cache of text sizes (keyed by
the renderer) carries over from chart to chart, and :class:`ChartRenderer` keeps the
rasterised strings: a string drawn again in the same font, size and angle is one image
copy. Within a string each glyph sits where stock Agg puts it (to 1/64 pixel); the
string itself starts on a whole pixel, as matplotlib placed strings before 3.10, so a
string may sit up to half a pixel from where stock Agg 3.10+ would draw it. In a batch
about four strings in five are drawn from the cache.

Everything here works with matplotlib's public objects plus a few private FreeType
calls that Agg itself makes (``FT2Font._layout``, ``_set_transform``, ``_render_glyph``);
where a matplotlib version lacks them, strings are drawn by stock Agg.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag

try:  # matplotlib >= 3.10 draws text glyph by glyph through these
    from matplotlib.ft2font import FT2Font, RenderMode

    _FAST_TEXT = all(hasattr(FT2Font, name) for name in ("_layout", "_set_transform", "_render_glyph"))
except ImportError:  # pragma: no cover - older matplotlib: stock text drawing
    _FAST_TEXT = False

__all__ = ["ChartCanvas", "ChartRenderer"]

_CACHE_LIMIT = 20_000  # strings kept per thread (a batch needs a few thousand)
#: Sub-pixel positions a string's origin may take, per pixel and axis. Stock Agg places
#: each glyph to 1/64 pixel, so a string is seldom drawn twice at the same position to
#: 1/64; 1 (whole pixels, as matplotlib before 3.10 placed strings) lets most strings
#: be drawn from the cache. Glyphs keep their sub-pixel places within the string.
PHASES = 1
_local = threading.local()


def _text_cache() -> dict:
    cache = getattr(_local, "text", None)
    if cache is None or len(cache) > _CACHE_LIMIT:
        cache = _local.text = {}
    return cache


class ChartRenderer(RendererAgg):
    """Agg renderer that keeps each rasterised string for the next time it is drawn."""

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath or not _FAST_TEXT or not gc.get_antialiased():
            return super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        # FreeType's y axis points up; positions are kept to 1/64 pixel, as Agg does.
        step = 64 // PHASES
        fx, fy = step * round(64 * x / step), step * round(64 * (self.height - y) / step)
        key = (s, hash(prop), float(angle), self.dpi, fx % 64, fy % 64, get_hinting_flag(),
               None if features is None else tuple(features), language)
        cache = _text_cache()
        image = cache.get(key)
        if image is None:
            try:
                image = self._rasterise(s, prop, angle, fx % 64, fy % 64, features, language)
            except Exception:  # noqa: BLE001 - anything unexpected: draw it the stock way
                return super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            cache[key] = image
        left, top, pixels = image
        if pixels is None:
            return None
        ox, oy = (fx - fx % 64) // 64, (fy - fy % 64) // 64
        # draw_text_image's y is downwards and names the bitmap's bottom row.
        self._renderer.draw_text_image(pixels, ox + left, int(self.height) - (oy + top) + pixels.shape[0],
                                       0, gc)
        return None

    def _rasterise(self, s: str, prop: Any, angle: float, px: int, py: int, features, language):
        """``(left, top, coverage)`` of ``s`` with its origin at (px, py)/64 of a pixel."""
        font = self._prepare_font(prop)
        items = font._layout(s, flags=get_hinting_flag(), features=features, language=language)
        size = prop.get_size_in_points()
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        matrix = (0x10000 * np.array([[cos, -sin], [sin, cos]])).round().astype(int)
        flags = get_hinting_flag()
        glyphs = []
        for item in items:
            ft = item.ft_object
            ft.set_size(size, self.dpi)
            ft._set_transform(matrix, [px + round(0x40 * (item.x * cos - item.y * sin)),
                                       py + round(0x40 * (item.x * sin + item.y * cos))])
            bitmap = ft._render_glyph(item.glyph_index, flags, RenderMode.NORMAL)
            buffer = np.array(bitmap.buffer, dtype=np.uint8)
            if buffer.size:
                glyphs.append((bitmap.left, bitmap.top, buffer))
        if not glyphs:
            return 0, 0, None
        left = min(g[0] for g in glyphs)
        right = max(g[0] + g[2].shape[1] for g in glyphs)
        top = max(g[1] for g in glyphs)
        bottom = min(g[1] - g[2].shape[0] for g in glyphs)
        out = np.zeros((top - bottom, right - left), dtype=np.uint16)
        for gl, gt, buffer in glyphs:
            area = out[top - gt: top - gt + buffer.shape[0], gl - left: gl - left + buffer.shape[1]]
            # where glyphs overlap, cover as drawing one over the other would
            area[...] = area + buffer - (area * buffer + 127) // 255
        return left, top, out.astype(np.uint8)


class ChartCanvas(FigureCanvasAgg):
    """Agg canvas whose renderer is shared by the figures of one size in one thread.

    A renderer holds no figure state between draws (each draw clears it), so figures
    drawn one after another can share it; threads each have their own.
    """

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            pool = getattr(_local, "renderers", None)
            if pool is None:
                pool = _local.renderers = {}
            renderer = pool.get(key)
            if renderer is None:
                if len(pool) > 8:
                    pool.clear()
                renderer = pool[key] = ChartRenderer(w, h, self.figure.dpi)
            self.renderer = renderer
            self._lastKey = key
        return self.renderer
