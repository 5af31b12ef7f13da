"""Small, documented workarounds for third-party bugs; each becomes a no-op once fixed upstream."""
