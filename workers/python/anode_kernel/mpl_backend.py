"""matplotlib backend: figures become SVG display outputs on plt.show() and at the end of every cell.

Selected with MPLBACKEND=module://anode_kernel.mpl_backend, so users call nothing special.
"""

import io

from matplotlib import _pylab_helpers
from matplotlib.backend_bases import FigureManagerBase, _Backend
from matplotlib.backends.backend_agg import FigureCanvasAgg

from . import display as _display


def flush_figures():
    """Displays every open figure as SVG and closes it, like the inline backend at the end of a cell."""
    import matplotlib.pyplot as plt

    for manager in list(_pylab_helpers.Gcf.get_all_fig_managers()):
        fig = manager.canvas.figure
        # An empty figure (plt.figure() then nothing) shows nothing, as in Jupyter.
        if fig.axes or fig.images or fig.texts or fig.lines or fig.patches:
            buf = io.StringIO()
            fig.savefig(buf, format="svg", bbox_inches="tight")
            svg = buf.getvalue()
            _display.publish_display_data(
                {"image/svg+xml": svg, "text/plain": repr(fig)}, {}
            )
        plt.close(fig)


@_Backend.export
class _BackendAnode(_Backend):
    FigureCanvas = FigureCanvasAgg
    FigureManager = FigureManagerBase
    mainloop = None

    @staticmethod
    def show(*args, **kwargs):
        flush_figures()
