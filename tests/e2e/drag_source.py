"""A real drag source for the drop E2E test (tests/e2e/drop.test.mjs): a small GTK 3 window
whose button offers the files given as arguments as `text/uri-list`, like a file manager does.
The test drags from it to the app's window with real pointer events (xdotool, XTEST) under
Xvfb, so the drop goes through X11's XDND, GTK and the webview exactly as a user's drop does.

Usage: python3 drag_source.py X Y FILE...   (window at X, Y). Prints `ready X Y W H` (the
button's centre on screen and its size) once shown, and `dragged` when a drag ends."""

import sys
from pathlib import Path

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402


def main() -> None:
    x, y = int(sys.argv[1]), int(sys.argv[2])
    uris = [Path(p).resolve().as_uri() for p in sys.argv[3:]]
    win = Gtk.Window(title="mesa-e2e-drag-source")
    win.set_default_size(180, 70)
    win.set_keep_above(True)
    win.move(x, y)
    button = Gtk.Button(label="Arrastrar archivos")
    button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
    button.drag_source_add_uri_targets()
    button.connect("drag-data-get", lambda _w, _c, data, _i, _t: data.set_uris(uris))
    button.connect("drag-end", lambda *_: print("dragged", flush=True))
    win.add(button)
    win.connect("destroy", Gtk.main_quit)
    win.show_all()

    def report() -> bool:
        gdk_win = button.get_window()
        if gdk_win is None:
            return True
        _, ox, oy = gdk_win.get_origin()
        a = button.get_allocation()
        print(f"ready {ox + a.x + a.width // 2} {oy + a.y + a.height // 2} {a.width} {a.height}", flush=True)
        return False

    GLib.timeout_add(300, report)
    Gtk.main()


if __name__ == "__main__":
    main()
