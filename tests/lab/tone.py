"""A steady tone to send and the holes in its recording (the lab's peer and
network-change tests: how long a switch of path left the listener in
silence). Standard library only."""

import math
import struct
import wave

RATE = 48000


def make_tone(path, seconds, freq=440):
    """A second of silence, then a steady tone of `freq` Hz (never skipped as silence)."""
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        frames = bytearray(RATE * 2)
        for i in range(RATE * seconds):
            frames += struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / RATE)))
        w.writeframes(bytes(frames))


def longest_gap_ms(path):
    """The longest stretch of 5 ms windows under a tenth of the tone's level,
    between the first and the last loud one; and how long the tone lasted."""
    with wave.open(path, "rb") as w:
        n = w.getnframes()
        data = w.readframes(n)
        rate = w.getframerate()
    samples = struct.unpack("<%dh" % (len(data) // 2), data)
    win = rate // 200
    loud = [max(abs(s) for s in samples[i:i + win]) > 800
            for i in range(0, len(samples) - win + 1, win)]
    if True not in loud:
        return None, 0.0
    first = loud.index(True)
    last = len(loud) - 1 - loud[::-1].index(True)
    run_len = longest = 0
    for v in loud[first:last + 1]:
        run_len = 0 if v else run_len + 1
        longest = max(longest, run_len)
    return longest * 5.0, (last - first + 1) * 0.005
