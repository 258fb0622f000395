"""Pages built by script, read through a real headless Chromium (`render: true`)."""
