"""Where this user's clusters keep their sockets and truth logs: one private (0700) directory.

    from cluster_sim.base.runtime import runtime_dir
    os.path.join(runtime_dir(), "default.sock")

``$CLUSTERSIM_RUNTIME_DIR``, else ``$XDG_RUNTIME_DIR/clustersim``, else ``clustersim-<uid>`` under the
temp dir. Here, below both, because the control protocol (its sockets) and the node's protocol (its
truth logs) both live in it.
"""

import os
import tempfile


class RuntimeDirError(RuntimeError):
    """The directory is not this user's to use; the message is one line."""


def runtime_dir(create: bool = True) -> str:
    base = os.environ.get("CLUSTERSIM_RUNTIME_DIR")
    if not base:
        xdg = os.environ.get("XDG_RUNTIME_DIR")
        if xdg and os.path.isdir(xdg):
            base = os.path.join(xdg, "clustersim")
        else:
            base = os.path.join(tempfile.gettempdir(), f"clustersim-{os.getuid()}")
    if create:
        os.makedirs(base, mode=0o700, exist_ok=True)
        st = os.stat(base)
        if st.st_uid != os.getuid():
            raise RuntimeDirError(f"{base} belongs to another user; set CLUSTERSIM_RUNTIME_DIR")
        if st.st_mode & 0o077:
            os.chmod(base, 0o700)
    return base
