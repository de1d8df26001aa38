"""What the server counts (:mod:`.meters`) and the per-launch directory that lets the
workers of one gunicorn launch add their counts up (:mod:`.launch_dir`)."""
