from .startup import pause_gc

pause_gc()      # also while the CLI's modules are imported; the CLI's group resumes it (gklint.startup)
from .cli import run  # noqa: E402

if __name__ == "__main__":
    run()
