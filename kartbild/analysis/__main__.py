import sys

from kartbild.analysis.cli import main

sys.exit(main())
