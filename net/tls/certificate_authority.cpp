// implemented by the parleyd init work
