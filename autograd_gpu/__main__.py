"""`python -m autograd_gpu`: the autograd-gpu command."""
import sys

from .cli import main

sys.exit(main())
