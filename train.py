"""Train the stance model: python train.py --config configs/default.yaml [key=value ...]

A thin script: the command lives in `standpunt.pipelines.train_command` so that
`standpunt train` and this file run the same code."""

import sys

from standpunt.pipelines.train_command import main

if __name__ == "__main__":
    sys.exit(main())
