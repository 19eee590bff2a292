"""Reading what `parley-cli join --json` printed: one JSON object a line."""

import json


def jsonl_events(path, event=None):
    """The JSON lines of a `parley-cli --json` output file (named `event`
    only, when given); lines cut short by a running writer are skipped."""
    result = []
    try:
        with open(path) as f:
            for line in f:
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(e, dict):
                    continue
                if event is None or e.get("event") == event:
                    result.append(e)
    except OSError:
        pass
    return result
