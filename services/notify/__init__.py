"""Notify: delivers routed mentions to department topics and push targets."""
