from IPython.display import *  # noqa: F401,F403
