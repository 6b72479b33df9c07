"""The live board: Yjs sync and awareness over WebSockets."""
